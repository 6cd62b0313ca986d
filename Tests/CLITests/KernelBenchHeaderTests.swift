import Foundation
import Testing

/// `kernel-bench`'s header says when the environment forces OpenBLAS off its own choice of
/// kernels: ratios measured that way (1.73-1.88x against Haswell kernels on a Zen 5 class
/// machine, 0.95-0.99x against its own Cooperlake ones) are not comparisons with its best.
@Suite("kernel-bench warns when OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set")
struct KernelBenchHeaderTests {
    /// The first line kernel-bench writes to stdout and what it wrote to stderr by then, with
    /// `environment` added; the process is stopped once the header is out, before the
    /// measurements (seconds each).
    func header(json: Bool, environment: [String: String]) throws -> (stdout: String, stderr: String) {
        let backprop = try #require(BackpropExecutable.url, "backprop is not built next to the tests")
        let process = Process()
        process.executableURL = backprop.deletingLastPathComponent().appendingPathComponent("kernel-bench")
        // The memory suite: no peak probe before the header.
        process.arguments = (json ? ["--json"] : []) + ["--quick", "--threads", "1", "--filter", "sgd_update"]
        var base = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] { base[name] = nil }
        process.environment = base.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { stop(process) }
        var text = Data()
        // The text header has several lines; the JSON one is a single line. Both end before
        // the suite's first row, which takes seconds.
        let wanted = json ? 1 : 3
        while text.filter({ $0 == UInt8(ascii: "\n") }).count < wanted {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += chunk
        }
        stop(process)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (String(decoding: text, as: UTF8.self), stderr)
    }

    /// Ends `process` at once: SIGKILL, since a child of the test runner may start with
    /// SIGTERM blocked (then it measured on for 20 s).
    func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test("The JSON machine line names the overrides and the kernels, with the warning; without them, none")
    func json() throws {
        let forced = try header(json: true, environment: ["OPENBLAS_CORETYPE": "Haswell"])
        let line = try #require(forced.stdout.split(separator: "\n").first)
        let machine = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(machine["openblas_overrides"] as? [String: String] == ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(machine["openblas_core"] as? String == "Haswell")
        let warning = try #require(machine["openblas_warning"] as? String)
        #expect(warning.contains("OPENBLAS_CORETYPE=Haswell set in the environment: OpenBLAS (and numpy's) runs its Haswell kernels"))
        #expect(forced.stderr.contains(warning))

        let own = try header(json: true, environment: [:])
        let ownLine = try #require(own.stdout.split(separator: "\n").first)
        let ownMachine = try #require(try JSONSerialization.jsonObject(with: Data(ownLine.utf8)) as? [String: Any])
        #expect(ownMachine["openblas_warning"] is NSNull && (ownMachine["openblas_overrides"] as? [String: String]) == [:])
    }

    @Test("The text header warns about OPENBLAS_L2_SIZE too")
    func text() throws {
        let forced = try header(json: false, environment: ["OPENBLAS_L2_SIZE": "262144"])
        #expect(forced.stdout.contains("warning: OPENBLAS_L2_SIZE=262144 set in the environment"), "\(forced.stdout)")
        #expect(forced.stdout.contains("with an overridden L2 size"))
    }
}
