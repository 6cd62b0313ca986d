import Backprop
import Foundation
import Testing
import TestSupport

/// `mpirun -np N backprop train --distributed` on this machine: the book's accuracy, bitwise
/// reproducible runs, one process equal to a plain run, the ring exchange's traffic, the
/// validation set split across processes, and a failing or killed rank that ends the job. Needs `backprop` built with the MPI trait; scripts/test-mpi.sh builds it and
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

    @Test("A convolutional network trains data-parallel unchanged: -np 1 equals a plain run bitwise, -np 2 repeats bitwise and its step is the plain step up to rounding")
    func convolutionalNetwork() throws {
        // 4 filters 3x3 on MNIST's 1x28x28 images, pooled, one affine layer: 6,810 parameters.
        let network = ["--layers", "conv:4:3,relu,pool:2,affine:10", "--batch-size", "20", "--threads", "1"]
        let options = network + ["--iterations", "30"]
        expectSuccess(try BackpropExecutable.run(["train", "--save", "plain.safetensors"] + options, in: scratch.url,
                                                 executable: Self.executable))
        expectSuccess(try mpirun(1, ["train", "--distributed", "--save", "one.safetensors"] + options))
        #expect(try weights("one.safetensors") == weights("plain.safetensors"))
        expectSuccess(try mpirun(2, ["train", "--distributed", "--save", "first.safetensors"] + options))
        expectSuccess(try mpirun(2, ["train", "--distributed", "--save", "second.safetensors"] + options))
        #expect(try weights("first.safetensors") == weights("second.safetensors"))

        // One step: two processes add each half-batch's gradient in another order than one, so
        // the weights differ in the last bits (measured: at most 3.4e-7 of a tensor's largest
        // weight), where a wrong share of the images would differ in the first. Over 30 steps
        // the ReLU and max pooling choices amplify those bits (measured: 1% of b1), so only the
        // first step is compared.
        let step = network + ["--iterations", "1"]
        expectSuccess(try BackpropExecutable.run(["train", "--save", "plain-step.safetensors"] + step, in: scratch.url,
                                                 executable: Self.executable))
        expectSuccess(try mpirun(2, ["train", "--distributed", "--save", "split-step.safetensors"] + step))
        let plain = try Safetensors.load(from: scratch.url.appendingPathComponent("plain-step.safetensors"))
        let split = try Safetensors.load(from: scratch.url.appendingPathComponent("split-step.safetensors"))
        #expect(plain.names == split.names && plain.names.contains("W1"), "\(plain.names)")
        #expect(try #require(plain.tensors["W1"]).shape == [4, 1, 3, 3])
        for name in plain.names {
            let a = try #require(plain.tensors[name]), b = try #require(split.tensors[name])
            #expect(a.shape == b.shape)
            let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
            let size = a.scalars.map { abs($0) }.max() ?? 0
            #expect(difference <= 1e-5 * size, "\(name): largest difference \(difference), largest weight \(size)")
        }
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

    /// The `--json` summary: the last line of standard output.
    func summary(_ run: BackpropExecutable.Run) throws -> [String: Any] {
        let line = try #require(run.outputLines.last, "\(run)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
    }

    @Test("Three and four processes send at most 2 (N - 1) / N of the gradient per step and repeat bitwise",
          arguments: [3, 4])
    func ringTraffic(processes: Int) throws {
        // 784-16-10: 12,730 parameters, 50,920 bytes of Float gradient, small enough to be fast.
        let options = ["train", "--distributed", "--threads", "1", "--iterations", "40", "--hidden", "16", "--json"]
        let first = try mpirun(processes, options + ["--save", "first.safetensors"])
        let second = try mpirun(processes, options + ["--save", "second.safetensors"])
        #expect(first.exited && first.status == 0 && second.exited && second.status == 0, "\(first)\n\(second)")
        #expect(try weights("first.safetensors") == weights("second.safetensors"))

        let fields = try summary(first)
        let gradient = try #require(fields["gradient_bytes"] as? Int)
        #expect(gradient == 12_730 * 4)
        let ring = 2 * Double(processes - 1) / Double(processes) * Double(gradient)
        // The fixed overhead: the loss riding along (4 bytes) and slices one element longer
        // than N-th of the buffer (at most 2 elements over the ring's 2 (N - 1) steps).
        let overhead = 16.0
        for field in ["exchange_bytes_sent_per_step", "exchange_bytes_received_per_step"] {
            let bytes = try #require(fields[field] as? Double, "\(field) in \(fields)")
            #expect(bytes <= ring + overhead && bytes >= ring, "\(field) \(bytes) against \(ring) for \(processes) processes")
        }
        let seconds = try #require(fields["exchange_seconds_per_step"] as? Double)
        #expect(seconds > 0 && seconds < 1)
    }

    @Test("Three processes split the validation set and sum its counts and losses")
    func splitValidation() throws {
        let options = ["train", "--distributed", "--threads", "1", "--iterations", "40", "--hidden", "16", "--json",
                       "--weight-init", "he", "--validation-fraction", "0.05"]
        let one = try summary(try mpirun(1, options))
        let three = try summary(try mpirun(3, options))
        let (accuracy1, accuracy3) = (try #require(one["validation_accuracy"] as? Double),
                                      try #require(three["validation_accuracy"] as? Double))
        let (loss1, loss3) = (try #require(one["validation_loss"] as? Double),
                              try #require(three["validation_loss"] as? Double))
        // The same model up to the last bits of the gradient sums: the same 3,000 validation
        // samples give the same figures within a few samples, not a third of them.
        #expect(accuracy1 > 0.5 && abs(accuracy3 - accuracy1) <= 3.0 / 3000, "\(accuracy1) against \(accuracy3)")
        #expect(abs(loss3 - loss1) <= 1e-3 * loss1, "\(loss1) against \(loss3)")
    }

    @Test("A process killed during training ends the job: no model is written and the old one is intact")
    func killedProcess() throws {
        let executable = try #require(Self.executable)
        let old = Data("the model of an earlier run".utf8)
        try old.write(to: scratch.url.appendingPathComponent("model.safetensors"))
        // Rank 2 of 3 is killed once rank 0 has printed its first epoch row (on stderr under
        // --json, unbuffered): training is under way, and a run of this length takes minutes.
        let script = """
            run() { "\(executable.path)" train --distributed --threads 1 --iterations 1000000 --hidden 16 --json \
                --save model.safetensors; }
            if [ "$OMPI_COMM_WORLD_RANK" = 0 ]; then run 2> progress.txt; exit; fi
            run & training=$!
            if [ "$OMPI_COMM_WORLD_RANK" = 2 ]; then
                until grep -Eq '^ +0 +0[.]' progress.txt 2>/dev/null; do sleep 0.1; done
                kill -9 $training
            fi
            wait $training
            """
        let start = Date()
        let run = try BackpropExecutable.run(["-c", script], in: scratch.url,
                                             launcher: ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "3"],
                                             executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(run.status != 0, "\(run)")
        #expect(Date().timeIntervalSince(start) < 60, "the job ran on after a process died")
        #expect(try Data(contentsOf: scratch.url.appendingPathComponent("model.safetensors")) == old)
        let progress = try String(contentsOf: scratch.url.appendingPathComponent("progress.txt"), encoding: .utf8)
        #expect(progress.contains("train-acc") && !progress.contains("done:"), "\(progress)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted()
                == ["model.safetensors", "progress.txt"])
    }
}
