import Foundation

/// The files one run writes — a model, its learning curves, a report — written all or none.
///
/// Each file is first written in full to a temporary file beside its target and flushed;
/// only when every one of them succeeded are they renamed over their targets. A failure
/// before that point (a full disk, a read-only directory, a name too long) removes the
/// temporary files and any directory the set created, so nothing the run meant to write
/// exists and nothing that was there before is changed. The renames themselves can only
/// fail if the directories change under the run; a later file is then not written, but an
/// earlier one is already complete (never partial).
///
/// Saving follows the rules of every save in the package (``Safetensors/save(_:metadata:to:)``
/// too): only regular files are replaced (a FIFO or a device is refused), symbolic links are
/// written through, and stale temporary files of a target left by a killed save are removed.
public struct OutputSet {
    private var files: [(url: URL, data: Data)] = []

    /// An empty set.
    public init() {}

    /// Adds `data` as the future contents of `url`. A missing parent directory is created
    /// when the set is written (and removed again if writing fails), if its own parent exists.
    public mutating func add(_ data: Data, at url: URL) {
        files.append((url, data))
    }

    /// The targets added so far, in order.
    public var urls: [URL] { files.map(\.url) }

    /// Checks, before the work that produces it, that a file could be written at `url`: the
    /// target is not a directory or a special file, its directory exists (or, if missing, can
    /// be created in an existing parent), takes a file of that name, and has room for about
    /// `expectedSize` bytes. The check creates a probe file and unlinks it at once; it leaves
    /// nothing behind. A missing directory is not created (another run creating the same one
    /// at the same time would find it vanish): its parent is probed for an entry of its name.
    public static func checkWritable(_ url: URL, expectedSize: Int = 0) throws(OutputError) {
        let directory = url.deletingLastPathComponent()
        do throws(AtomicFile.Failure) {
            if try directoryExists(directory) {
                try AtomicFile.checkWritable(url, reservingBytes: expectedSize)
            } else {
                try AtomicFile.checkNameLength(url.lastPathComponent, in: directory.deletingLastPathComponent())
                try AtomicFile.checkWritable(directory, reservingBytes: expectedSize)
            }
        } catch {
            throw OutputError(path: url.path, reason: error.reason)
        }
    }

    /// Writes every file, or none of them. Throws ``OutputError`` naming the file that failed.
    public func write() throws(OutputError) {
        var createdDirectories: [URL] = []
        var staged: [AtomicFile.Staged] = []
        defer { createdDirectories.forEach { PartialFiles.untrack(directory: $0.path) } }
        func rollBack() {
            staged.forEach(AtomicFile.discard)
            for directory in createdDirectories.reversed() { rmdir(directory.path) }
        }
        for (url, data) in files {
            do {
                let directory = url.deletingLastPathComponent()
                if try Self.createDirectoryIfMissing(directory) { createdDirectories.append(directory) }
                staged.append(try AtomicFile.stage(data, for: url))
            } catch {
                rollBack()
                throw OutputError(path: url.path, reason: error.reason)
            }
        }
        for (index, file) in staged.enumerated() {
            do {
                try AtomicFile.commit(file)
            } catch {
                staged[(index + 1)...].forEach(AtomicFile.discard)
                throw OutputError(path: file.destination.path, reason: error.reason)
            }
        }
    }

    /// Creates `directory` when it is missing and its parent is a directory; true if it did
    /// (then it is registered with ``PartialFiles`` until the caller is done). One created by
    /// another run meanwhile is used as found.
    private static func createDirectoryIfMissing(_ directory: URL) throws(AtomicFile.Failure) -> Bool {
        if try directoryExists(directory) { return false }
        // 0777: the umask decides, as for any new directory.
        guard PartialFiles.create(directory: directory.path, with: { mkdir(directory.path, 0o777) }) == 0 else {
            if errno == EEXIST && FileKind(of: directory) == .directory { return false }
            throw AtomicFile.Failure(reason: "cannot create directory \(directory.path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// True when `directory` exists, false when it is missing but could be created (its parent
    /// is a directory); throws otherwise.
    private static func directoryExists(_ directory: URL) throws(AtomicFile.Failure) -> Bool {
        switch FileKind(of: directory) {
        case .directory:
            return true
        case .file:
            throw AtomicFile.Failure(reason: "\(directory.path) is not a directory")
        case .missing:
            let parent = directory.deletingLastPathComponent()
            guard FileKind(of: parent) == .directory else {
                throw AtomicFile.Failure(reason: "directory \(parent.path) does not exist")
            }
            return false
        }
    }
}

/// Why an output file could not be written; nothing of the set it belongs to was written.
public struct OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file that could not be written.
    public var path: String
    /// The operating system's or the check's explanation.
    public var reason: String

    /// Wraps a failure to write `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// "PATH: cannot be written: REASON".
    public var description: String {
        "\(path): cannot be written: \(reason)"
    }
}
