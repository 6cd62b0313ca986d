import Foundation

/// Replaces a file's contents all at once: readers, and the file left after a crash or an
/// interrupted save, see either the old contents or the new ones, never a mixture.
///
/// The data goes to a new temporary file `.NAME.<UUID>.partial` in the target's directory (the
/// same file system, so that renaming cannot degrade to a copy), is flushed to disk, and is
/// then renamed over the target, which POSIX guarantees to be atomic.
///
/// - What is replaced: only a regular file. A FIFO, a socket or a device at the path is
///   refused (renaming over `/dev/null` would replace the device for every program).
/// - Symbolic links are written through: the file the link points to is replaced atomically
///   (its own directory holds the temporary file) and the link stays. A link to nothing, or
///   to a directory or a device, is refused.
/// - Replacing a file keeps its permission bits and, where the process may set them, its
///   owner and group (a model saved with mode 0600 stays private); a new file gets the mode
///   the umask leaves of 0666, as any program's new file does.
/// - A run ended by a handled signal removes its temporary files (``PartialFiles``). A save
///   killed before its rename (SIGKILL, power loss) leaves its temporary file; the next save
///   of the same target removes it. A writer holds an exclusive `flock` on its temporary file until the
///   rename, so a save running at the same time never loses its file to this cleanup.
enum AtomicFile {
    /// Why a write failed, in the words of the operating system.
    struct Failure: Error {
        var reason: String
    }

    /// A temporary file holding the new contents, flushed, waiting to be renamed over
    /// `destination`. Its descriptor holds the lock that marks it as live until then.
    struct Staged {
        var temporary: URL
        var destination: URL
        fileprivate var descriptor: Int32
    }

    /// Makes `data` the contents of the file at `url`, creating it or replacing what is
    /// there. On failure the old file is untouched and no temporary file is left behind.
    static func replaceContents(of url: URL, with data: Data) throws(Failure) {
        try commit(stage(data, for: url))
    }

    /// The file a save to `url` replaces: `url` itself, or the file a symbolic link at `url`
    /// points to. Throws when that is a directory, a special file, or a link to nothing.
    static func destination(of url: URL) throws(Failure) -> URL {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return url }  // missing: created by the rename
        var destination = url
        if status.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(url.path, nil) else {
                throw Failure(reason: "it is a symbolic link to \(linkTarget(url)), which does not exist")
            }
            destination = URL(fileURLWithPath: String(cString: resolved))
            free(resolved)
        }
        if FileKind(of: destination) == .directory {
            throw Failure(reason: "it is a directory")
        }
        if let kind = SpecialFile(at: destination.path, followingSymlinks: false) {
            throw Failure(reason: "it is \(kind), not a regular file; saving never replaces one")
        }
        return destination
    }

    /// Checks that `url` can be saved, before the work that produces its contents: its
    /// directory exists and takes a new file with its name, and has room for
    /// `reservingBytes` (a probe file is created and at once unlinked, then given that size
    /// where the file system supports it through its open descriptor: the space is reserved
    /// by a file without a name, which nothing can leave behind).
    static func checkWritable(_ url: URL, reservingBytes: Int) throws(Failure) {
        let destination = try destination(of: url)
        let staged = try createTemporary(for: destination)
        discard(staged, keepingDescriptor: true)
        defer { close(staged.descriptor) }
        if reservingBytes > 0 {
            let result = posix_fallocate(staged.descriptor, 0, off_t(reservingBytes))
            // Not every file system can reserve space (EOPNOTSUPP, EINVAL); only a refusal counts.
            if result == ENOSPC || result == EDQUOT || result == EFBIG {
                throw Failure(reason: "no room for \(reservingBytes) bytes: \(String(cString: strerror(result)))")
            }
        }
    }

    /// Writes `data` to a new temporary file beside the destination of `url` and flushes it,
    /// after removing stale temporary files of the same target.
    static func stage(_ data: Data, for url: URL) throws(Failure) -> Staged {
        let destination = try destination(of: url)
        removeStalePartials(of: destination)
        let staged = try createTemporary(for: destination)
        var failure = keepAttributes(of: destination, on: staged) ?? writeAll(data, to: staged.descriptor)
        if failure == nil && fsync(staged.descriptor) != 0 {
            failure = Failure(reason: "cannot flush \(staged.temporary.path): \(systemError())")
        }
        if let failure {
            discard(staged)
            throw failure
        }
        return staged
    }

    /// Renames the staged file over its destination and makes the rename durable.
    static func commit(_ staged: Staged) throws(Failure) {
        guard rename(staged.temporary.path, staged.destination.path) == 0 else {
            let reason = "cannot rename \(staged.temporary.path) over it: \(systemError())"
            discard(staged)
            throw Failure(reason: reason)
        }
        PartialFiles.untrack(file: staged.temporary.path)
        close(staged.descriptor)
        // Make the rename itself durable; its failure cannot undo the save, so it is ignored.
        let directoryDescriptor = open(staged.destination.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Removes the staged file; the destination stays as it was.
    static func discard(_ staged: Staged) {
        discard(staged, keepingDescriptor: false)
    }

    /// Removes the staged file's name, and closes its descriptor unless told to keep it.
    private static func discard(_ staged: Staged, keepingDescriptor: Bool) {
        unlink(staged.temporary.path)
        PartialFiles.untrack(file: staged.temporary.path)
        if !keepingDescriptor { close(staged.descriptor) }
    }

    /// Gives the staged file the mode, owner and group of the file it replaces, if there is
    /// one. The owner is set only where the process may (root, or its own group); the mode
    /// always. The failure to set the mode, if any.
    private static func keepAttributes(of destination: URL, on staged: Staged) -> Failure? {
        var old = stat()
        guard stat(destination.path, &old) == 0 else { return nil }
        var new = stat()
        if fstat(staged.descriptor, &new) == 0 && (new.st_uid != old.st_uid || new.st_gid != old.st_gid) {
            // Not permitted for another owner unless root: the file is then the saver's, as any new file.
            _ = fchown(staged.descriptor, old.st_uid, old.st_gid)
        }
        // After fchown, which clears the set-user-ID bits.
        guard fchmod(staged.descriptor, old.st_mode & 0o7777) == 0 else {
            return Failure(reason: "cannot give \(staged.temporary.path) the mode of the file it replaces: \(systemError())")
        }
        return nil
    }

    /// Removes the temporary files that saves of `destination` killed before their rename
    /// left behind: those whose `flock` nobody holds.
    static func removeStalePartials(of destination: URL) {
        let directory = destination.deletingLastPathComponent()
        let prefix = ".\(stem(of: destination))."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".partial")
            && name.utf8.count == prefix.utf8.count + 36 + ".partial".utf8.count {
            let path = directory.appendingPathComponent(name).path
            let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            var opened = stat(), current = stat()
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &opened) == 0,
                  lstat(path, &current) == 0, opened.st_ino == current.st_ino, opened.st_dev == current.st_dev,
                  opened.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(path)
        }
    }

    /// Creates `.NAME.<UUID>.partial` beside `destination`, locked, and checks the name fits.
    private static func createTemporary(for destination: URL) throws(Failure) -> Staged {
        let directory = destination.deletingLastPathComponent()
        guard FileKind(of: directory) == .directory else {
            throw Failure(reason: "directory \(directory.path) does not exist")
        }
        try checkNameLength(destination.lastPathComponent, in: directory)
        let temporary = directory.appendingPathComponent(".\(stem(of: destination)).\(UUID().uuidString).partial")
        // 0666: the umask decides, as for any new file; a replaced file's mode is set later.
        let descriptor = PartialFiles.create(file: temporary.path) {
            open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard descriptor >= 0 else {
            throw Failure(reason: "cannot create \(temporary.path): \(systemError())")
        }
        flock(descriptor, LOCK_EX)
        return Staged(temporary: temporary, destination: destination, descriptor: descriptor)
    }

    /// Throws when `name` is longer than the file system of `directory` allows.
    static func checkNameLength(_ name: String, in directory: URL) throws(Failure) {
        let nameLimit = pathconf(directory.path, Int32(_PC_NAME_MAX))
        let nameLength = name.utf8.count
        if nameLimit > 0 && nameLength > nameLimit {
            throw Failure(reason: "the file name is \(nameLength) bytes, longer than the \(nameLimit) this file system allows")
        }
    }

    /// At most 32 scalars of the name (128 bytes): with the 46 bytes around it, a name near the
    /// file system's 255-byte limit would otherwise give a temporary name beyond it, and a
    /// valid target could never be saved.
    private static func stem(of destination: URL) -> String {
        String(String.UnicodeScalarView(destination.lastPathComponent.unicodeScalars.prefix(32)))
    }

    /// What the symbolic link at `url` says, for messages.
    private static func linkTarget(_ url: URL) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?"
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
