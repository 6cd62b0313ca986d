import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `backprop` started with `posix_spawn` and reaped with `waitpid`, for the fault tests that
/// need what Foundation's `Process` keeps to itself: the child's pid while it runs, to kill it
/// at a chosen moment. Every path in `arguments` must be absolute: the child runs in the
/// test's directory.
struct SpawnedBackprop {
    /// How a spawned run ended.
    struct Outcome {
        /// False when a signal ended the process.
        var exited: Bool
        /// The exit status, or the signal number when `exited` is false.
        var status: Int32
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
    /// Freezes the child (SIGSTOP): what it has written stays as it is until ``resume()``.
    func pause() {
        _ = Glibc.kill(pid, SIGSTOP)
    }

    /// Lets a paused child go on (SIGCONT).
    func resume() {
        _ = Glibc.kill(pid, SIGCONT)
    }

    func kill() {
        send(SIGKILL)
    }

    /// Sends `signal` (a paused child takes it once resumed).
    func send(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the process to end and reaps it.
    func wait() -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let error = (try? String(contentsOf: standardErrorURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: standardErrorURL)
        // The wait status: the low 7 bits are the signal that ended the process, or 0 for an exit.
        let signal = status & 0x7F
        return Outcome(exited: signal == 0, status: signal == 0 ? (status >> 8) & 0xFF : signal, standardError: error)
    }
}

/// The peak memory of one `backprop` run, measured from a small Python parent.
///
/// The peak resident set size (`ru_maxrss`) the kernel reports for a process is at least that
/// of the process it was forked or spawned from: at `exec` the old address space's peak is
/// carried over. Spawned from this test process (hundreds of megabytes after loading MNIST
/// in other tests) the number would measure the tests, not `backprop`. A Python parent of a
/// few megabytes spawns it instead and reports `RUSAGE_CHILDREN`'s peak for it.
enum PeakMemory {
    struct Outcome: CustomStringConvertible {
        var status: Int32
        /// The child's peak resident set size, in bytes.
        var maximumResidentBytes: Int
        var standardError: String

        var description: String {
            "exit \(status), peak RSS \(maximumResidentBytes) bytes, stderr: \(standardError)"
        }
    }

    static func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        let executable = try #require(BackpropExecutable.url, "backprop is not built next to the tests",
                                      sourceLocation: sourceLocation)
        let script = """
            import os, resource, subprocess, sys
            env = {k: v for k, v in os.environ.items() if k != "BACKPROP_DATA"}
            run = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, env=env)
            # A negative return code is a signal: report it as 128 + signal, like a shell.
            code = run.returncode if run.returncode >= 0 else 128 - run.returncode
            print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
            sys.stdout.write(run.stderr.decode())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, executable.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed: \(output)", sourceLocation: sourceLocation)
        let firstLine = output.prefix { $0 != "\n" }
        let fields = firstLine.split(separator: " ").compactMap { Int($0) }
        try #require(fields.count == 2, "unexpected output: \(output)", sourceLocation: sourceLocation)
        return Outcome(status: Int32(fields[0]), maximumResidentBytes: fields[1],
                       standardError: String(output.dropFirst(firstLine.count + 1)))
    }
}
