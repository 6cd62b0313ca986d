import Backprop
import Foundation

/// A checked model path for `--save`: its directory must exist, so a long training run
/// never ends in an unwritable path.
func validatedSaveURL(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    if FileKind(of: url) == .directory {
        throw CommandError("\(url.path): --save needs a file name, but this is a directory")
    }
    let parent = url.deletingLastPathComponent()
    guard FileKind(of: parent) == .directory else {
        throw CommandError("\(parent.path): directory for --save does not exist")
    }
    return url
}

/// A checked `--curves` directory: it may exist (as a directory) or be creatable in an existing parent.
func validatedCurvesDirectory(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    switch FileKind(of: url) {
    case .directory:
        return url
    case .file:
        throw CommandError("\(url.path): --curves needs a directory, but this is a file")
    case .missing:
        let parent = url.deletingLastPathComponent()
        guard FileKind(of: parent) == .directory else {
            throw CommandError("\(parent.path): parent directory for --curves does not exist")
        }
        return url
    }
}
