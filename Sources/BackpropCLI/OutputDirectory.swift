import Backprop
import Foundation

/// A checked output directory for `option`: it may exist (as a directory) or be creatable in
/// an existing parent. Checked before any work, so a mistyped path costs nothing.
func validatedOutputDirectory(_ path: String, option: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    switch FileKind(of: url) {
    case .directory:
        return url
    case .file:
        throw CommandError("\(url.path): \(option) needs a directory, but this is a file")
    case .missing:
        let parent = url.deletingLastPathComponent()
        guard FileKind(of: parent) == .directory else {
            throw CommandError("\(parent.path): parent directory for \(option) does not exist")
        }
        return url
    }
}

/// Writes `text` to `name` in `directory` (creating the directory if needed) atomically: a
/// failed write leaves any earlier file of that name as it was. Failures become one line
/// naming the file and the operating system's reason.
func writeOutputFile(_ text: String, named name: String, in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent(name)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                attributes: nil)
    } catch where FileKind(of: directory) == .directory {
        // It exists already: nothing to do.
    } catch {
        throw CommandError("\(directory.path): cannot create the directory: \(systemReason(error))")
    }
    do {
        try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
        throw CommandError("\(url.path): cannot write: \(systemReason(error))")
    }
    return url
}

/// The reason a Foundation file operation failed, in a few words ("permission denied").
private func systemReason(_ error: any Error) -> String {
    let error = error as NSError
    for candidate in [error, error.userInfo[NSUnderlyingErrorKey] as? NSError].compactMap({ $0 })
    where candidate.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(candidate.code))).lowercased()
    }
    switch (error as? CocoaError)?.code {
    case .fileWriteNoPermission?, .fileReadNoPermission?: return "permission denied"
    case .fileNoSuchFile?, .fileWriteInvalidFileName?: return "no such file or directory"
    case .fileWriteVolumeReadOnly?: return "read-only file system"
    case .fileWriteOutOfSpace?: return "no space left on device"
    default: return error.localizedDescription
    }
}
