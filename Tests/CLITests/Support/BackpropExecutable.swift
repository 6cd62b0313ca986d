import Foundation
import Testing

/// The `backprop` command-line tool as built next to this test bundle, run as a separate
/// process the way a person or a script runs it.
enum BackpropExecutable {
    /// What one run printed and how it ended.
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        /// False when the process died from a signal (a crash), whatever `status` says.
        var exited: Bool
        var standardOutput: String
        var standardError: String

        /// The lines of standard output (a final newline ends the last line, it starts no new one).
        var outputLines: [Substring] { Self.lines(standardOutput) }

        /// The lines of standard error, likewise.
        var errorLines: [Substring] { Self.lines(standardError) }

        private static func lines(_ text: String) -> [Substring] {
            guard !text.isEmpty else { return [] }
            let body = text.hasSuffix("\n") ? text.dropLast() : text[...]
            return body.split(separator: "\n", omittingEmptySubsequences: false)
        }

        var description: String {
            "backprop \(arguments.joined(separator: " ")) -> \(exited ? "exit \(status)" : "signal \(status)")\n"
                + "stdout:\n\(standardOutput)stderr:\n\(standardError)"
        }
    }

    /// The executable: `backprop` in the products directory that holds this test bundle
    /// (`swift build` and `swift test` build every product into it), else in `.build/debug`
    /// of the package these sources belong to.
    static let url: URL? = {
        var directories: [URL] = []
        // macOS loads the tests as a bundle; Linux runs `<products>/<package>PackageTests.xctest` itself.
        directories += Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }
            .map { $0.bundleURL.deletingLastPathComponent() }
        if let executable = Bundle.main.executableURL {
            directories.append(executable.deletingLastPathComponent())
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        return directories.map { $0.appendingPathComponent("backprop") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Whether the executable is built with AddressSanitizer (scripts/sanitize.sh): it then
    /// reserves terabytes of address space for its shadow memory (so it cannot start under
    /// `ulimit -v`) and its resident memory says more about the sanitizer than about the program.
    static let isAddressSanitized: Bool = {
        guard let url, let binary = try? Data(contentsOf: url, options: .alwaysMapped) else { return false }
        return binary.range(of: Data("__asan_init".utf8)) != nil
    }()

    /// How long a run may take before it is stopped and reported as hung.
    static let timeout: DispatchTimeInterval = .seconds(300)

    /// Runs `backprop arguments…` in `directory` with standard input closed and without
    /// `BACKPROP_DATA`, so only `--data` chooses the data. `shellSetup`, if given, is a shell
    /// command run first in the same process (such as `ulimit -v 4194304`). `launcher` runs the
    /// executable through another program (`mpirun -np 2` puts it after its own arguments);
    /// `executable` replaces the `backprop` built next to the tests.
    static func run(_ arguments: [String], in directory: URL, shellSetup: String? = nil,
                    launcher: [String] = [], executable: URL? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let program = try #require(executable ?? url, "backprop is not built next to the tests; run 'swift build' first",
                                   sourceLocation: sourceLocation)
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdoutURL = outputs.appendingPathComponent("stdout"), stderrURL = outputs.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)

        let process = Process()
        let commandLine = launcher + [program.path] + arguments
        if let shellSetup {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(shellSetup) && exec \"$0\" \"$@\""] + commandLine
        } else if launcher.isEmpty {
            process.executableURL = program
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = commandLine
        }
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["BACKPROP_DATA"] = nil
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        // Files rather than pipes: a full pipe buffer cannot stall the child.
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL), stderrHandle = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            Issue.record("backprop \(arguments.joined(separator: " ")) did not finish in time", sourceLocation: sourceLocation)
        }
        try stdoutHandle.close()
        try stderrHandle.close()
        return Run(arguments: arguments, status: process.terminationStatus,
                   exited: process.terminationReason == .exit,
                   standardOutput: try String(contentsOf: stdoutURL, encoding: .utf8),
                   standardError: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}

/// Expects `run` to have exited cleanly with status 0 and nothing on standard error.
func expectSuccess(_ run: BackpropExecutable.Run, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.exited && run.status == 0, "\(run)", sourceLocation: sourceLocation)
    #expect(run.standardError.isEmpty, "\(run)", sourceLocation: sourceLocation)
}

/// Expects `run` to have failed the way every user error should: a non-zero exit (not a
/// crash) and exactly one line on standard error, `backprop: error: …`, containing each of
/// `fragments` (the file at fault and the problem).
func expectOneLineError(_ run: BackpropExecutable.Run, mentioning fragments: [String],
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.exited, "crashed: \(run)", sourceLocation: sourceLocation)
    #expect(run.status != 0, "\(run)", sourceLocation: sourceLocation)
    #expect(run.errorLines.count == 1, "\(run)", sourceLocation: sourceLocation)
    let line = run.errorLines.first ?? ""
    #expect(line.hasPrefix("backprop: error: "), "\(run)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(line.contains(fragment), "'\(fragment)' is not in: \(line)", sourceLocation: sourceLocation)
    }
}
