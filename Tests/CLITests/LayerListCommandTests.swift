import Foundation
import Testing
import TestSupport

/// Chapter 6 from the command line: layer lists, batch normalization, dropout and weight decay
/// train, save, and evaluate to exactly the accuracy training reported.
@Suite("backprop train with --layers, --batch-norm, --dropout and --weight-decay")
struct LayerListCommandTests: RunsInDirectories {
    let directories: RunDirectories

    init() throws {
        directories = try RunDirectories(trainCount: 600, testCount: 200)
    }

    func lastJSON(_ run: BackpropExecutable.Run, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let line = try #require(run.outputLines.last, "\(run)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)",
                            sourceLocation: sourceLocation)
    }

    @Test("A layer list with batch normalization and dropout trains, saves its spec and evaluates to the reported accuracy",
          arguments: [
            ["--layers", "affine:32,batchnorm,relu,dropout:0.2,affine:10", "--weight-decay", "0.01"],
            ["--hidden", "24", "24", "--batch-norm", "--dropout", "0.1", "--activation", "tanh", "--optimizer", "adam"],
          ])
    func trainSaveEvaluate(_ options: [String]) throws {
        let model = scratch.filePath("m.safetensors")
        let train = try BackpropExecutable.run(["train", "--iterations", "60", "--batch-size", "50", "--weight-init", "he",
                                                "--data", data.url.path, "--save", model, "--json"] + options,
                                               in: scratch.url)
        #expect(train.exited && train.status == 0, "\(train)")
        let summary = try lastJSON(train)
        let testAccuracy = try #require(summary["test_accuracy"] as? Double)
        #expect(testAccuracy > 0.5, "60 steps learn well beyond chance: \(summary)")
        let evaluate = try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path, "--json"],
                                                  in: scratch.url)
        #expect(evaluate.status == 0, "\(evaluate)")
        #expect(try lastJSON(evaluate)["test_accuracy"] as? Double == testAccuracy)
    }

    @Test("Layer lists that cannot work are one line naming the option", arguments: [
        (["--layers", "affine:32,relu,affine:7"], "the last affine layer gives 7 outputs but the data has 10 classes"),
        (["--layers", "affine:32,swish,affine:10"], "'swish' is not a layer"),
        (["--layers", "relu"], "no affine layer"),
        (["--layers", "affine:32,relu,affine:10", "--hidden", "5"], "give it or --hidden, not both"),
        (["--dropout", "1.5"], "--dropout must be at least 0 and below 1"),
        (["--weight-decay", "-1"], "--weight-decay must be a non-negative number"),
    ] as [([String], String)])
    func refused(_ options: [String], _ message: String) throws {
        let run = try BackpropExecutable.run(["train", "--iterations", "5", "--data", data.url.path] + options,
                                             in: scratch.url)
        expectOneLineError(run, mentioning: [message])
        #expect(try scratch.listing() == [])
    }
}
