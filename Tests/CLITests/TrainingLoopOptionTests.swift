import Foundation
import Testing
import TestSupport

/// `train --epochs/--order/--lr-schedule/--validation-fraction/--early-stopping`: combinations
/// that make no sense are refused with one line, and a steered run reports its validation.
@Suite("backprop train: epochs, schedules, validation and early stopping")
struct TrainingLoopOptionTests {
    let scratch: TemporaryDirectory
    let data: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
        data = try TemporaryDirectory()
        try MNISTSlice.write(to: data.url, trainCount: 200, testCount: 50)
    }

    func train(_ options: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(["train", "--hidden", "8", "--data", data.url.path,
                                    "--save", scratch.filePath("m.safetensors")] + options, in: scratch.url)
    }

    @Test("Options that contradict each other or are out of range give one line and write nothing", arguments: [
        (["--epochs", "2", "--iterations", "5"], ["--iterations", "--epochs", "alternatives"]),
        (["--iterations", "5", "--order", "sequential"], ["--order", "--epochs"]),
        (["--order", "shuffled"], ["--order", "--epochs"]),
        (["--epochs", "0"], ["--epochs", "at least 1"]),
        (["--early-stopping", "2"], ["--early-stopping", "--validation-fraction"]),
        (["--early-stopping", "0", "--validation-fraction", "0.1"], ["--early-stopping", "at least 1"]),
        (["--validation-fraction", "1"], ["--validation-fraction", "between 0 and 1"]),
        (["--validation-fraction", "0.001"], ["--validation-fraction", "holds out 0 of the 200"]),
        (["--lr-schedule", "step:0:0.5"], ["--lr-schedule", "step:EVERY:FACTOR"]),
        (["--lr-schedule", "linear"], ["'linear'", "--lr-schedule"]),
        (["--order", "random", "--epochs", "1"], ["'random'", "--order"]),
    ])
    func refused(_ options: [String], _ fragments: [String]) throws {
        let run = try train(options)
        expectOneLineError(run, mentioning: fragments)
        #expect(try scratch.listing() == [])
    }

    @Test("An epoch run with a validation set and early stopping reports the validation loss and the kept epoch")
    func steeredRun() throws {
        let run = try train(["--epochs", "3", "--batch-size", "16", "--order", "sequential", "--validation-fraction",
                             "0.25", "--early-stopping", "2", "--lr-schedule", "cosine", "--json"])
        expectSuccess(run)
        let output = run.standardOutput
        // 150 training rows in batches of 16: 10 iterations per epoch, the last of 6 rows.
        #expect(output.contains("3 epochs sequential (10 iterations each)"), "\(run)")
        #expect(output.contains("50 validation images"), "\(run)")
        #expect(output.contains("val-loss  val-acc"), "\(run)")
        let line = try #require(run.outputLines.last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let validationLoss = try #require(summary["validation_loss"] as? Double, "\(summary)")
        #expect(validationLoss.isFinite && validationLoss > 0)
        let validationAccuracy = try #require(summary["validation_accuracy"] as? Double)
        #expect((0...1).contains(validationAccuracy))
        let best = try #require(summary["best_epoch"] as? Int)
        #expect((1...3).contains(best))
        #expect(summary["iterations"] as? Int == 30)
        #expect(try scratch.listing() == ["m.safetensors"])
    }
}
