import Backprop
import Foundation
import Testing
import TestSupport

/// `--json` and `--version`: output that scripts read.
@Suite("backprop --json and --version")
struct JSONOutputTests {
    @Test("train --json: every stdout line is a JSON object, one per epoch, the summary last; the text is on stderr")
    func trainStdoutIsOnlyJSON() throws {
        let scratch = try TemporaryDirectory(), data = try TemporaryDirectory()
        try MNISTSlice.write(to: data.url, trainCount: 1200, testCount: 300)
        // 1,200 images in batches of 100: an epoch is 12 iterations, evaluated after
        // iterations 1, 13 and 25 (epochs 0, 1, 2).
        let run = try BackpropExecutable.run(["train", "--iterations", "30", "--data", data.url.path, "--json"],
                                             in: scratch.url)
        #expect(run.exited && run.status == 0, "\(run)")
        let objects = try run.outputLines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)")
        }
        #expect(objects.count == 4, "\(run)")
        let epochs = objects.dropLast()
        #expect(epochs.map { $0["epoch"] as? Int } == [0, 1, 2])
        #expect(epochs.map { $0["iteration"] as? Int } == [1, 13, 25])
        for epoch in epochs {
            #expect(Set(epoch.keys).isSuperset(of: ["train_accuracy", "test_accuracy", "loss", "elapsed_seconds"]),
                    "\(epoch)")
            let accuracy = try #require(epoch["test_accuracy"] as? Double)
            #expect((0...1).contains(accuracy))
        }
        let summary = try #require(objects.last)
        #expect(Set(summary.keys).isSuperset(of: ["train_accuracy", "test_accuracy", "final_loss", "iterations",
                                                  "seconds"]), "\(summary)")
        #expect(summary["iterations"] as? Int == 30)
        // The table went to stderr: its header and one row per epoch, beside the run's description.
        #expect(run.errorLines.contains("epoch  train-acc  test-acc     loss  elapsed"), "\(run)")
        #expect(run.errorLines.contains { $0.hasPrefix("done: ") }, "\(run)")
        #expect(run.errorLines.filter { $0.hasPrefix("    2  ") }.count == 1, "\(run)")
    }

    @Test("train without --json prints no JSON")
    func trainTextOnly() throws {
        let scratch = try TemporaryDirectory(), data = try TemporaryDirectory()
        try MNISTSlice.write(to: data.url, trainCount: 200, testCount: 50)
        let run = try BackpropExecutable.run(["train", "--iterations", "3", "--data", data.url.path], in: scratch.url)
        expectSuccess(run)
        #expect(!run.outputLines.contains { $0.hasPrefix("{") }, "\(run)")
        #expect(run.outputLines.last?.hasPrefix("done: ") == true, "\(run)")
    }

    @Test("--version prints the package's version and exits 0")
    func version() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["--version"], in: scratch.url)
        expectSuccess(run)
        #expect(run.outputLines == [Substring(PackageVersion.current)], "\(run)")
        #expect(PackageVersion.current.split(separator: ".").compactMap { Int($0) }.count == 3)
    }
}
