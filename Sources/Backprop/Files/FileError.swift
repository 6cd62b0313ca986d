/// Why a file could not be opened or read, whatever it holds: the failures every loader
/// (IDX data, safetensors models) shares, before the format's own checks begin.
///
/// Every case names the file, and `description` is a sentence a command-line tool can print.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case missingFile(path: String)
    /// The path names a directory where a file was expected.
    case notAFile(path: String)
    /// The path names a FIFO, a socket or a device (`kind` says which), not a file of data.
    case notARegularFile(path: String, kind: String)
    /// The operating system refused to open or read the file.
    case unreadable(path: String, reason: String)

    /// One sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): file not found"
        case .notAFile(let path):
            return "\(path): is a directory, expected a file"
        case .notARegularFile(let path, let kind):
            return "\(path): is \(kind), not a regular file"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        }
    }
}
