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
