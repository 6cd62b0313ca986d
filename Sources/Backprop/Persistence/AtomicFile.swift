import Foundation

/// Replaces a file's contents all at once: readers, and the file left after a crash or an
/// interrupted save, see either the old contents or the new ones, never a mixture.
///
/// The data goes to a new temporary file in the target's directory (the same file system, so
/// that renaming cannot degrade to a copy), is flushed to disk, and is then renamed over the
/// target, which POSIX guarantees to be atomic.
enum AtomicFile {
    /// Why a write failed, in the words of the operating system.
    struct Failure: Error {
        var reason: String
    }

    /// Makes `data` the contents of the file at `url`, creating it or replacing what is
    /// there. On failure the old file is untouched and no temporary file is left behind.
    static func replaceContents(of url: URL, with data: Data) throws(Failure) {
        let directory = url.deletingLastPathComponent()
        // At most 32 scalars of the name (128 bytes): with the 46 bytes around it, a name near
        // the file system's 255-byte limit would otherwise give a temporary name beyond it,
        // and a valid target could never be saved.
        let stem = String(String.UnicodeScalarView(url.lastPathComponent.unicodeScalars.prefix(32)))
        let temporary = directory.appendingPathComponent(".\(stem).\(UUID().uuidString).partial")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(reason: "cannot create \(temporary.path): \(systemError())")
        }
        var failure = writeAll(data, to: descriptor)
        if failure == nil && fsync(descriptor) != 0 {
            failure = Failure(reason: "cannot flush \(temporary.path): \(systemError())")
        }
        if close(descriptor) != 0 && failure == nil {
            failure = Failure(reason: "cannot close \(temporary.path): \(systemError())")
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = "cannot rename \(temporary.path) over it: \(systemError())"
            unlink(temporary.path)
            throw Failure(reason: reason)
        }
        // Make the rename itself durable; its failure cannot undo the save, so it is ignored.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// `write(2)` until every byte is out, retrying short writes and interruptions; the
    /// failure, if any.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Failure? {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return Failure(reason: "cannot write: \(systemError())")
                }
                offset += written
            }
            return nil
        }
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
