import Foundation

/// What a path names on disk, so loaders (and the command-line tool's checks of output paths)
/// can tell "missing" from "a directory" in their errors before they try to read or write.
public enum FileKind: Equatable, Sendable {
    /// Nothing exists at the path.
    case missing
    /// The path is a directory.
    case directory
    /// The path is a file (or anything else that is not a directory).
    case file

    /// The kind of the item at `url`, following symbolic links.
    public init(of url: URL) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            self = .missing
        } else {
            self = isDirectory.boolValue ? .directory : .file
        }
    }
}
