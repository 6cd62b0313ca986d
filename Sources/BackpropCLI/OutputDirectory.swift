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
