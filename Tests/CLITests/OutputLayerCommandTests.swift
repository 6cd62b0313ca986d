import Foundation
import Testing
import TestSupport

/// The output/loss choices from the command line: the per-sample sigmoid network trains and
/// passes the gradient check; pairs that make no sense are refused with their reason.
@Suite("backprop: output units and losses")
struct OutputLayerCommandTests: RunsInDirectories {
    let directories: RunDirectories

    init() throws {
        directories = try RunDirectories(trainCount: 1000, testCount: 300)
    }

    @Test("The per-sample sigmoid network's options train it to far better than chance on a slice")
    func sigmoidNetworkTrains() throws {
        let run = try BackpropExecutable.run([
            "train", "--data", data.url.path, "--hidden", "100", "--activation", "sigmoid", "--output", "sigmoid",
            "--loss", "mse", "--learning-rate", "0.3", "--batch-size", "1", "--iterations", "3000",
            "--weight-init", "he", "--bias-init", "uniform", "--input-range", "0.01:1.0", "--smooth-targets", "--json",
        ], in: scratch.url)
        #expect(run.exited && run.status == 0, "\(run)")  // --json puts the text on stderr
        #expect(run.standardError.contains("sigmoid output, mse loss, targets 0.01/0.99, uniform biases, inputs 0.01:1.0"))
        let line = try #require(run.outputLines.last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let accuracy = try #require(summary["test_accuracy"] as? Double)
        // 3,000 single-sample steps on 1,000 images: about 0.85 measured; chance is 0.1.
        #expect(accuracy > 0.75, "test accuracy \(accuracy)")
    }

    @Test("gradcheck checks a sigmoid-output network in Double below 1e-8", arguments: ["mse", "binary-cross-entropy"])
    func gradcheckSigmoid(loss: String) throws {
        let run = try BackpropExecutable.run([
            "gradcheck", "--data", data.url.path, "--backend", "reference", "--activation", "sigmoid",
            "--output", "sigmoid", "--loss", loss, "--hidden", "3", "--samples", "2", "--json",
        ], in: scratch.url)
        expectSuccess(run)
        let line = try #require(run.outputLines.last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(report["passed"] as? Bool == true)
        #expect(report["sizes"] as? String == "784-3-10")
        let differences = try #require(report["differences"] as? [String: Double])
        #expect(Set(differences.keys) == ["W1", "b1", "W2", "b2"])
        #expect(differences.values.allSatisfy { $0 < 1e-8 })
    }

    @Test("Pairs of output and loss that make no sense are refused with a one-line reason", arguments: [
        (["--output", "softmax", "--loss", "mse"], "--output sigmoid"),
        (["--output", "softmax", "--loss", "binary-cross-entropy"], "share one distribution"),
        (["--output", "sigmoid", "--loss", "cross-entropy"], "sum to 1"),
        (["--smooth-targets"], "softmax targets must sum to 1"),
        (["--input-range", "1:0"], "--input-range"),
        (["--bias-init", "random"], "--bias-init"),
    ])
    func refusedPairs(options: [String], reason: String) throws {
        let run = try BackpropExecutable.run(["train", "--data", data.url.path, "--iterations", "5",
                                              "--save", scratch.filePath("m.safetensors")] + options, in: scratch.url)
        expectOneLineError(run, mentioning: [reason])
        #expect(try scratch.listing() == [])
    }
}
