import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `backprop` started with `posix_spawn` and reaped with `wait4`, for the fault tests that
/// need what Foundation's `Process` keeps to itself: the child's pid while it runs (to kill
/// it at a chosen moment) and its resource usage when it ends (its peak resident memory).
/// Every path in `arguments` must be absolute: the child runs in the test's directory.
struct SpawnedBackprop {
    /// How a spawned run ended.
    struct Outcome {
        /// False when a signal ended the process.
        var exited: Bool
        /// The exit status, or the signal number when `exited` is false.
        var status: Int32
        /// The peak resident set size of the process, in bytes (`ru_maxrss`).
        var maximumResidentBytes: Int
        var standardError: String
    }

    let pid: pid_t
    private let standardErrorURL: URL

    /// Starts `backprop arguments…` with standard input from /dev/null and its output in
    /// temporary files.
    init(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let executable = try #require(BackpropExecutable.url, "backprop is not built next to the tests",
                                      sourceLocation: sourceLocation)
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)")
        standardErrorURL = outputs.appendingPathExtension("stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, standardErrorURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "BACKPROP_DATA" }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, nil, argv, environment)
        try #require(result == 0, "posix_spawn failed: \(String(cString: strerror(result)))", sourceLocation: sourceLocation)
        self.pid = pid
    }

    /// Whether the process has ended (without reaping it).
    var hasEnded: Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid
    }

    /// Sends SIGKILL.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the process to end and reaps it.
    func wait() -> Outcome {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let error = (try? String(contentsOf: standardErrorURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: standardErrorURL)
        // The wait status: the low 7 bits are the signal that ended the process, or 0 for an exit.
        let signal = status & 0x7F
        return Outcome(exited: signal == 0, status: signal == 0 ? (status >> 8) & 0xFF : signal,
                       maximumResidentBytes: Int(usage.ru_maxrss) * 1024, standardError: error)
    }
}
