import Foundation

/// The kinds of file that hold no stored data: reading them blocks or never ends, and
/// replacing them with a regular file would break whatever uses them (`/dev/null`, a FIFO
/// another program reads). Loaders refuse to read them and saves refuse to replace them.
enum SpecialFile: CustomStringConvertible {
    case fifo, characterDevice, blockDevice, socket

    /// The kind of the special file at `path`, or nil when it is a regular file, a directory,
    /// a symbolic link (when not following them) or missing.
    init?(at path: String, followingSymlinks: Bool) {
        var status = stat()
        let result = followingSymlinks ? stat(path, &status) : lstat(path, &status)
        guard result == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        default: return nil
        }
    }

    /// "a FIFO", "a character device", …: the words error messages use.
    var description: String {
        switch self {
        case .fifo: return "a FIFO"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .socket: return "a socket"
        }
    }
}
