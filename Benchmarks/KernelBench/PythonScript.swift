import Foundation

/// A Python script under Benchmarks/ run as a child process, whose last line of output is one
/// JSON object: how the baselines of `--train` (numpy) and `--convnet` (PyTorch) are measured.
struct PythonScript {
    /// The path under Benchmarks/ ("numpy/book_train.py").
    var path: String
    /// The interpreter: a path, or a name looked up on PATH ("python3").
    var interpreter = "python3"

    /// What a run gave: the JSON object of its last line, or why there is none.
    enum Outcome {
        case result([String: Any])
        /// The interpreter could not start, or the script failed; its last line on stderr.
        case failure(String)
    }

    /// Runs the script with `arguments` and waits for it. OPENBLAS_CORETYPE and
    /// OPENBLAS_L2_SIZE are removed from the child's environment: set on some machines to work
    /// around old OpenBLAS bugs, they slow a current numpy (and PyTorch) down.
    func run(_ arguments: [String]) -> Outcome {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, script.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        for name in MachineDescription.openBLASOverrideNames {
            environment[name] = nil
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure("\(interpreter): \(error.localizedDescription)")
        }
        // Errors are read on another thread so that neither pipe can fill and block the child.
        let errorData = ChildErrors()
        let errorsRead = DispatchSemaphore(value: 0)
        Thread {
            errorData.data = errors.fileHandleForReading.readDataToEndOfFile()
            errorsRead.signal()
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorsRead.wait()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            let message = String(decoding: errorData.data, as: UTF8.self).split(separator: "\n").last.map(String.init)
            return .failure(message ?? "\(interpreter) \(path) exited with status \(process.terminationStatus)")
        }
        return .result(object)
    }
}

/// The child's stderr, written by the thread that reads it and read once that thread signalled.
private final class ChildErrors: @unchecked Sendable {
    var data = Data()
}
