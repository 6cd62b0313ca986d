import Backprop
import Foundation

/// Every file one command reads and writes, with the option that names it, compared before
/// anything is loaded, trained or written: an output that is one of the inputs, or two outputs
/// that are one file, would silently replace the user's data (`train --csv d.csv --save d.csv`
/// exited 0 with the training data gone).
///
/// Files are compared by what they are, not by how they are spelled: an existing file by its
/// device and inode (so a symbolic link, a hard link or `./../` names the same file), a file
/// still to be created by its path with every existing directory in it resolved.
struct FileRoles {
    /// A file (or, for `--curves`, a directory), the option that names it, and the path as
    /// the user spelled it (for the message).
    private struct Entry {
        var option: String
        var path: String
        var identity: FileIdentity
    }

    private var inputs: [Entry] = []
    private var outputs: [Entry] = []

    /// An empty list.
    init() {}

    /// Adds the file at `path` (if given) as one the command reads, named by `option`.
    mutating func read(_ path: String?, option: String) {
        if let path { inputs.append(Entry(option: option, path: path, identity: FileIdentity(path))) }
    }

    /// Adds the file (or directory) at `path` (if given) as one the command writes, named by `option`.
    mutating func write(_ path: String?, option: String) {
        if let path { outputs.append(Entry(option: option, path: path, identity: FileIdentity(path))) }
    }

    /// Adds the MNIST files in `directory` that a load could read (compressed or not:
    /// replacing either loses data), named by `option`.
    mutating func readMNIST(in directory: String, option: String) {
        for split in MNIST.Split.allCases {
            for name in [split.imagesFileName, split.labelsFileName] {
                for candidate in [name, name + ".gz"] {
                    let path = (directory as NSString).appendingPathComponent(candidate)
                    if FileKind(of: URL(fileURLWithPath: path)) != .missing { read(path, option: option) }
                }
            }
        }
    }

    /// Throws one line naming both options and the file when an output is an input or
    /// another output.
    func check() throws {
        for (index, output) in outputs.enumerated() {
            if let input = inputs.first(where: { $0.identity == output.identity }) {
                throw CommandError("\(output.option) \(output.path) would replace the \(input.option) file "
                                   + "\(input.path), which this run reads; nothing was written")
            }
            if let other = outputs[..<index].first(where: { $0.identity == output.identity }) {
                let same = other.path == output.path ? "" : " (the same file as \(other.path))"
                throw CommandError("\(other.option) and \(output.option) both write \(output.path)\(same): "
                                   + "give them different names; nothing was written")
            }
        }
    }
}

/// What a path names, for telling whether two paths are one file.
enum FileIdentity: Equatable {
    /// An existing file or directory: its device and inode (links and spellings agree).
    case inode(device: UInt64, inode: UInt64)
    /// A path that does not exist yet: its deepest existing directory resolved (symbolic
    /// links, `.` and `..`), then the components still to be created.
    case future(path: String)

    init(_ path: String) {
        let url = URL(fileURLWithPath: path)
        var status = stat()
        if stat(url.path, &status) == 0 {
            self = .inode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
            return
        }
        // Walk up to the deepest part that exists; the kernel resolves that part.
        var existing = url.path.split(separator: "/").map(String.init)
        var missing: [String] = []
        while let last = existing.last, FileKind(of: URL(fileURLWithPath: "/" + existing.joined(separator: "/"))) == .missing {
            missing.insert(last, at: 0)
            existing.removeLast()
        }
        var base = "/" + existing.joined(separator: "/")
        if let resolved = realpath(base, nil) {
            base = String(cString: resolved)
            free(resolved)
        }
        self = .future(path: ([base == "/" ? "" : base] + missing).joined(separator: "/"))
    }
}
