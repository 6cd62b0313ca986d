import Foundation

/// The temporary files and new directories of saves in progress, so that a run ended by a
/// signal (Ctrl-C, `kill`) can remove them before it exits: a save of a 33-48 MB model
/// interrupted by SIGINT used to leave its hidden `.partial` file behind until the next save
/// of the same file.
///
/// `AtomicFile` and ``OutputSet`` create through it (creating and registering under one lock)
/// and unregister what they renamed or removed. A program that handles the signals (the `backprop` tool does, on a thread that
/// waits for them) calls ``removeAllAndExit(status:)``.
public enum PartialFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var files: Set<String> = []
    nonisolated(unsafe) private static var directories: [String] = []

    /// Creates the temporary file at `path` with `create` (which returns a descriptor, or -1)
    /// and registers it, both under the lock: a signal taken between the two would otherwise
    /// find the file on disk but not in the list.
    static func create(file path: String, with create: () -> Int32) -> Int32 {
        lock.withLock {
            let descriptor = create()
            if descriptor >= 0 { files.insert(path) }
            return descriptor
        }
    }

    /// Forgets a temporary file that was renamed over its target or removed.
    static func untrack(file path: String) {
        lock.withLock { _ = files.remove(path) }
    }

    /// Creates the directory at `path` with `create` (which returns 0 on success) and
    /// registers it, both under the lock, to be removed again if the run is interrupted.
    static func create(directory path: String, with create: () -> Int32) -> Int32 {
        lock.withLock {
            let result = create()
            if result == 0 { directories.append(path) }
            return result
        }
    }

    /// Forgets a directory that now holds the run's outputs (or was removed).
    static func untrack(directory path: String) {
        lock.withLock { directories.removeAll { $0 == path } }
    }

    /// Removes every registered temporary file, then every registered directory that is empty
    /// (newest first), and ends the process with `status` (128 + N for signal N, the shell's
    /// convention). The lock is kept to the end, so a save cannot register a new file
    /// meanwhile. Call it from a thread, not from a signal handler: it takes a lock.
    public static func removeAllAndExit(status: Int32) -> Never {
        lock.lock()
        for path in files { unlink(path) }
        for path in directories.reversed() { rmdir(path) }
        _exit(status)
    }
}
