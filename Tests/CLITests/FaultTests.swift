import Backprop
import Foundation
import Testing
import TestSupport

/// Faults a run must survive without losing the user's files or the machine's memory: a save
/// killed at any moment, a gzip bomb in place of a data file, a training run that diverges
/// without overflowing. Each test runs in seconds on tiny data.
@Suite("backprop under faults: killed saves, gzip bombs, exploding loss")
struct FaultTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories() }

    /// The names of temporary save files (`.NAME.<UUID>.partial`) in the scratch directory.
    func partials() throws -> [String] {
        try scratch.contents().filter { $0.hasSuffix(".partial") }
    }

    /// Whether the file at `url` starts with a byte other than zero among its first eight: a
    /// save's partial file once the safetensors header length is written, never the probe's
    /// (space reserved by `posix_fallocate` reads as zeros). False for a file already gone.
    func startsWithData(_ url: URL) throws -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try handle.read(upToCount: 8) ?? Data()).contains { $0 != 0 }
    }

    @Test("A save killed with SIGKILL at random moments leaves the old model loadable, and the next save leaves no partial file")
    func killedSaves() throws {
        let model = scratch.path("m.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: model)
        // A 784-2000-10 model is a 6.3 MB file, so its write and flush last long enough to be
        // caught: with a 630 KB one, every aimed kill missed the save on a quiet machine. With
        // this one, 10 of 20 kills (every aimed one) landed inside a save with two busy loops
        // running beside the test.
        // --force: a model after one iteration is at chance level, and must replace the file anyway.
        let arguments = ["train", "--iterations", "1", "--batch-size", "10", "--hidden", "2000",
                         "--data", data.url.path, "--save", model.path, "--force"]
        var generator = SystemRandomNumberGenerator()
        var killedWithPartialLeft = 0
        for attempt in 0..<20 {
            // Partial files an earlier kill left: this run's are the names not among them.
            let earlier = Set(try partials())
            let child = try SpawnedBackprop(arguments + ["--seed", "\(attempt)"])
            if attempt % 2 == 0 {
                // Aim at the save: freeze the child now and then and look at its files while it
                // cannot move; once the model's partial file is there, the kill is certain to
                // land inside the save, however slow or loaded the machine. The model's partial
                // is told from the writability probe's (same kind of name, created before
                // training) by its contents: the probe's are zeros, or nothing, while the save
                // starts with the safetensors header's length. Telling them apart by seeing the
                // probe first missed every save in a loaded CI run: the probe lives for
                // microseconds and was not always seen.
                while !child.hasEnded {
                    child.pause()
                    let now = Set(try partials()).subtracting(earlier)
                    if try now.contains(where: { try startsWithData(scratch.path($0)) }) { break }
                    child.resume()
                    usleep(UInt32.random(in: 100..<600, using: &generator))
                }
            } else {
                // Anywhere in the run: start-up, the probe, loading, training or saving.
                usleep(UInt32.random(in: 0..<300_000, using: &generator))
            }
            child.kill()
            let outcome = child.wait()
            #expect(outcome.exited == false || outcome.status == 0, "\(outcome)")
            if !Set(try partials()).subtracting(earlier).isEmpty { killedWithPartialLeft += 1 }
            // The old model or a complete new one, never a mixture: either loads.
            _ = try ModelFile.load(from: model, backend: ReferenceBackend<Float>())
        }
        // Without a kill inside a save this test would prove nothing about partial files.
        #expect(killedWithPartialLeft >= 1, "no kill left a partial file behind (\(killedWithPartialLeft) of 20 did)")
        let last = try BackpropExecutable.run(arguments, in: scratch.url)
        expectSuccess(last)
        #expect(try partials() == [], "stale partial files survived the next save")
        #expect(try ModelFile.load(from: model, backend: ReferenceBackend<Float>()).sizes == [784, 2000, 10])
    }

    @Test("A gzip bomb in place of the training images is refused with peak memory under twice the declared size")
    func gzipBomb() throws {
        // A valid header for 60,000 images of 28 x 28 pixels (47 MB), then 1 GB more zeros,
        // in 1.5 MB of gzip: one member for the declared data, 64 members of 16 MB of zeros.
        let declaredBytes = 60_000 * 28 * 28
        let bomb = data.filePath("train-images-idx3-ubyte.gz")
        let script = """
            import gzip, sys
            header = bytes([0, 0, 8, 3]) + (60000).to_bytes(4, 'big') + (28).to_bytes(4, 'big') * 2
            zeros = gzip.compress(bytes(16 << 20), 9)
            open(sys.argv[1], 'wb').write(gzip.compress(header + bytes(\(declaredBytes)), 9) + zeros * 64)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, bomb]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0, "python3 could not write the gzip bomb")

        let outcome = try PeakMemory.run(["train", "--iterations", "1", "--data", data.url.path,
                                          "--save", scratch.filePath("m.safetensors")])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains(bomb) && outcome.standardError.contains("inflates to far more"),
                "\(outcome.standardError)")
        // Under AddressSanitizer the shadow memory and the quarantine of freed blocks dominate.
        if !BackpropExecutable.isAddressSanitized {
            #expect(outcome.maximumResidentBytes < 2 * declaredBytes,
                    "peak RSS \(outcome.maximumResidentBytes) bytes for \(declaredBytes) declared")
        }
        #expect(try scratch.listing() == [])
    }

    @Test("A run whose loss explodes without overflowing exits non-zero and leaves the previous model byte-identical")
    func explodingLoss() throws {
        let model = scratch.path("m.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: model)
        let before = try Data(contentsOf: model)
        // A learning rate of 100 takes the loss from 2.3 to about 50 within two iterations; it
        // stays finite, so only the runaway check stops the run.
        let run = try BackpropExecutable.run(["train", "--learning-rate", "100", "--iterations", "300",
                                              "--data", data.url.path, "--save", model.path,
                                              "--curves", scratch.filePath("curves")], in: scratch.url)
        expectOneLineError(run, mentioning: ["training stopped", "loss ran away", "smaller learning rate", model.path,
                                             "was not written"])
        #expect(try Data(contentsOf: model) == before)
        #expect(try scratch.listing() == ["m.safetensors"])
    }
}
