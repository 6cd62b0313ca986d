import Foundation

/// Runs inline Python scripts, for tests that check files against an independent reader.
enum Python {
    /// Whether `python3` runs and can import NumPy; interop tests are skipped otherwise.
    static let hasNumPy: Bool = (try? run("import numpy"))?.status == 0

    /// Runs `python3 -c script arguments...` and returns its exit status and standard output
    /// (standard error is appended, so a failing script explains itself in the test log).
    static func run(_ script: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
