import Foundation

/// The search for a data set's directory when none is given, shared by every data set the
/// package reads (MNIST's IDX files today; any other data kept under `data/<name>` alike).
public enum DataDirectory {
    /// The directory of the data set `name` (for example `mnist`), the first of:
    ///
    /// 1. the directory in the environment variable `BACKPROP_DATA` (or its `name`
    ///    subdirectory, if it has one). An explicit setting wins even when it is wrong, so
    ///    that loading then reports the directory the user named instead of silently using
    ///    another copy;
    /// 2. `data/<name>` in the current directory;
    /// 3. `data/<name>` in the root of the package this file was compiled from (found through
    ///    `#filePath`), so tests and `swift run` work from any directory on the build machine.
    ///
    /// Throws ``DataError/dataDirectoryNotFound(searched:)`` listing the places tried.
    public static func locate(
        _ name: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws -> URL {
        if let configured = environment["BACKPROP_DATA"], !configured.isEmpty {
            let url = configured.hasPrefix("/")
                ? URL(fileURLWithPath: configured)
                : currentDirectory.appendingPathComponent(configured).standardizedFileURL
            let nested = url.appendingPathComponent(name)
            return FileKind(of: nested) == .directory ? nested : url
        }
        var candidates = [currentDirectory.appendingPathComponent("data/\(name)")]
        if let root = packageRoot() {
            candidates.append(root.appendingPathComponent("data/\(name)"))
        }
        if let found = candidates.first(where: { FileKind(of: $0) == .directory }) {
            return found
        }
        throw DataError.dataDirectoryNotFound(searched: candidates.map(\.path))
    }

    /// The nearest directory above this source file that holds `Package.swift`.
    private static func packageRoot() -> URL? {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.pathComponents.count > 1 {
            if FileKind(of: directory.appendingPathComponent("Package.swift")) == .file {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
