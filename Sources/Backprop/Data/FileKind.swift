import Foundation

/// What a path names on disk, so loaders can tell "missing" from "a directory" in their errors
/// before they try to read.
enum FileKind: Equatable {
    case missing
    case directory
    case file

    /// The kind of the item at `url`, following symbolic links.
    init(of url: URL) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            self = .missing
        } else {
            self = isDirectory.boolValue ? .directory : .file
        }
    }
}
