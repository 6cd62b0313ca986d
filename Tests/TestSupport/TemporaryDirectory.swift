import Foundation

/// A fresh directory under the system's temporary directory, removed when the value is
/// released, for tests that write files (shared by BackpropTests and CLITests). Each instance is unique, so tests running in
/// parallel never see each other's files.
public final class TemporaryDirectory {
    /// The directory.
    public let url: URL

    /// Creates a new, empty directory.
    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("BackpropTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The URL of `name` inside the directory (nothing is created).
    public func path(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Writes `bytes` to the file `name` (creating intermediate directories) and returns its URL.
    @discardableResult
    public func write(_ bytes: some Sequence<UInt8>, to name: String) throws -> URL {
        let file = path(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    /// Creates the directory `name` (and its parents) and returns its URL.
    @discardableResult
    public func makeDirectory(_ name: String) throws -> URL {
        let directory = path(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The names of the entries in the directory `name` (the root when nil), sorted.
    public func contents(of name: String? = nil) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: name.map(path)?.path ?? url.path).sorted()
    }

    /// The path of `name` inside the directory as a string, the form command lines take.
    public func filePath(_ name: String) -> String {
        path(name).path
    }

    /// Every file and directory below the directory, as sorted relative paths.
    public func listing() throws -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []).sorted()
    }
}
