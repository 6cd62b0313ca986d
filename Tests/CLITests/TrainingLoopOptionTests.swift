import Foundation
import Testing
import TestSupport

/// `train --epochs/--order/--lr-schedule/--validation-fraction/--early-stopping`: combinations
/// that make no sense are refused with one line, and a steered run reports its validation.
@Suite("backprop train: epochs, schedules, validation and early stopping")
struct TrainingLoopOptionTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 200) }

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

    @Test("An epoch run with a validation set and early stopping reports validation per epoch, in the curves and the summary")
    func steeredRun() throws {
        let curves = scratch.filePath("curves")
        let run = try train(["--epochs", "3", "--batch-size", "16", "--order", "sequential", "--validation-fraction",
                             "0.25", "--early-stopping", "2", "--lr-schedule", "cosine", "--curves", curves, "--json"])
        #expect(run.exited && run.status == 0, "\(run)")  // --json puts the text on stderr
        let text = run.standardError
        // 150 training rows in batches of 16: 10 iterations per epoch, the last of 6 rows.
        #expect(text.contains("3 epochs sequential (10 iterations each)"), "\(run)")
        #expect(text.contains("50 seeded training samples held out for validation"), "\(run)")
        #expect(text.contains("val-loss  val-acc"), "\(run)")
        let objects = try run.outputLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        // One object per epoch, then the summary.
        #expect(objects.count == 4, "\(run)")
        for (index, record) in objects.dropLast().enumerated() {
            #expect(record["epoch"] as? Int == index + 1)
            #expect(record["iteration"] as? Int == (index + 1) * 10)
            #expect((record["validation_loss"] as? Double).map { $0.isFinite && $0 > 0 } == true, "\(record)")
            #expect(record["validation_accuracy"] is Double, "\(record)")
            // Cosine from 0.1 over 30 steps: each epoch's last step, t = 9, 19, 29.
            let rate = try #require(record["learning_rate"] as? Double)
            let t = Double(index * 10 + 9)
            #expect(abs(rate - 0.05 * (1 + cos(.pi * t / 30))) < 1e-12, "\(rate) at step \(t)")
        }
        let summary = try #require(objects.last)
        let validationLoss = try #require(summary["validation_loss"] as? Double, "\(summary)")
        let best = try #require(summary["best_epoch"] as? Int)
        #expect(objects[best - 1]["validation_loss"] as? Double == validationLoss)
        #expect(summary["validation_accuracy"] as? Double == objects[best - 1]["validation_accuracy"] as? Double)
        #expect(summary["iterations"] as? Int == 30)
        let csv = try String(contentsOfFile: curves + "/curves.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "iteration,loss,epoch,train_accuracy,test_accuracy,validation_loss,validation_accuracy")
        #expect(csv.count == 31)
        #expect(try scratch.listing() == ["curves", "curves/curves.csv", "curves/curves.svg", "m.safetensors"])
    }
}
