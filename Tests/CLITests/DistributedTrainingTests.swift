import Foundation
import Testing
import TestSupport

/// `mpirun -np N backprop train --distributed` on this machine: the book's accuracy, bitwise
/// reproducible runs, one process equal to a plain run, and a failing rank that ends the job
/// with one line. Needs `backprop` built with the MPI trait; scripts/test-mpi.sh builds it and
/// names it in BACKPROP_MPI_EXECUTABLE. Elsewhere the suite is skipped, with this message.
/// The MPI build of `backprop` that scripts/test-mpi.sh names, if any.
private let mpiExecutable: URL? = ProcessInfo.processInfo.environment["BACKPROP_MPI_EXECUTABLE"]
    .map { URL(fileURLWithPath: $0) }

@Suite("backprop train --distributed under mpirun",
       .enabled(if: mpiExecutable != nil,
                "BACKPROP_MPI_EXECUTABLE is not set: run scripts/test-mpi.sh, which builds backprop with the MPI trait"))
struct DistributedTrainingTests {
    static let executable: URL? = mpiExecutable

    let scratch: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
    }

    /// `mpirun -np processes backprop arguments…`, as root if need be, more processes than
    /// cores allowed (the job is small), one OpenMP thread per process unless asked otherwise.
    func mpirun(_ processes: Int, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> BackpropExecutable.Run {
        let launcher = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", String(processes)]
        return try BackpropExecutable.run(arguments, in: scratch.url, launcher: launcher,
                                          executable: Self.executable, sourceLocation: sourceLocation)
    }

    /// The tensors of a saved model, without the metadata (which records timings).
    func weights(_ name: String) throws -> Data {
        let data = try Data(contentsOf: scratch.url.appendingPathComponent(name))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return data.dropFirst(8 + headerLength)
    }

    @Test("Two processes reach the book's accuracy and two runs give bitwise the same weights")
    func bookRunIsReproducible() throws {
        let first = try mpirun(2, ["train", "--distributed", "--threads", "1", "--json", "--save", "first.safetensors"])
        #expect(first.exited && first.status == 0, "\(first)")
        let second = try mpirun(2, ["train", "--distributed", "--threads", "1", "--save", "second.safetensors"])
        expectSuccess(second)
        #expect(try weights("first.safetensors") == weights("second.safetensors"))
        let line = try #require(first.outputLines.last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let accuracy = try #require(summary["test_accuracy"] as? Double)
        #expect(accuracy >= 0.97, "test accuracy \(accuracy)")
        // Only rank 0 prints: one "done" line (on stderr under --json), one JSON summary.
        #expect(first.errorLines.filter { $0.hasPrefix("done:") }.count == 1, "\(first)")
        #expect(first.outputLines.filter { $0.contains("\"test_accuracy\"") && $0.contains("\"seconds\"") }.count == 1)
    }

    @Test("One process under mpirun gives exactly the weights of a plain run")
    func oneProcessEqualsPlainRun() throws {
        let options = ["--iterations", "300", "--threads", "1"]
        expectSuccess(try mpirun(1, ["train", "--distributed", "--save", "mpi.safetensors"] + options))
        expectSuccess(try BackpropExecutable.run(["train", "--save", "plain.safetensors"] + options, in: scratch.url,
                                                 executable: Self.executable))
        #expect(try weights("mpi.safetensors") == weights("plain.safetensors"))
    }

    @Test("A rank whose data is missing ends the job with one line from rank 0, and no model is written")
    func missingDataOnOneRank() throws {
        let executable = try #require(Self.executable)
        // Rank 1 is pointed at a directory that does not exist; rank 0 at the shipped data.
        let script = """
            if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then data=/nonexistent-mnist; else data=""; fi
            exec "\(executable.path)" train --distributed --iterations 50 --save model.safetensors ${data:+--data "$data"}
            """
        let run = try BackpropExecutable.run(["-c", script], in: scratch.url,
                                             launcher: ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"],
                                             executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(run.status != 0)
        let ours = run.errorLines.filter { $0.hasPrefix("backprop: error: ") }
        #expect(ours.count == 1, "\(run)")
        #expect(ours.first?.contains("rank 1 of 2") == true, "\(run)")
        #expect(ours.first?.contains("/nonexistent-mnist") == true, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: scratch.filePath("model.safetensors")))
    }

    @Test("Ranks started with different options are stopped before training")
    func mismatchedOptions() throws {
        let executable = try #require(Self.executable)
        let script = """
            exec "\(executable.path)" train --distributed --iterations 50 --learning-rate "0.$((OMPI_COMM_WORLD_RANK + 1))"
            """
        let run = try BackpropExecutable.run(["-c", script], in: scratch.url,
                                             launcher: ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"],
                                             executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(run.status != 0)
        let ours = run.errorLines.filter { $0.hasPrefix("backprop: error: ") }
        #expect(ours.count == 1 && ours.first?.contains("rank 1 of 2 was started with other options") == true, "\(run)")
    }
}
