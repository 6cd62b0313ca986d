import Backprop
import Foundation
import Testing
import TestSupport

/// `train --initial-model FILE`: training resumes from a saved model, with its input scaling,
/// exactly where a longer run would have been; a file that does not fit the options or the
/// data is refused in one line, and `--save` may not replace it.
@Suite("backprop train --initial-model: resume and fine-tune")
struct InitialModelTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 20, testCount: 10) }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    func parameters(_ name: String) throws -> (tensors: [Tensor<Float>], metadata: [String: String]) {
        let imported = try ModelFile.importModel(from: scratch.path(name), backend: ReferenceBackend<Float>())
        return (imported.network.parameters.map(\.tensor), imported.metadata)
    }

    @Test("One epoch from a saved one-epoch model is bitwise the two-epoch run, its standardization kept")
    func resumeReproducesALongerRun() throws {
        let file = try scratch.writeFile(Array(CSVTrainingTests.csv(rows: 60, seed: 11).utf8), to: "d.csv")
        // Sequential epochs and plain SGD: nothing but the weights carries from one epoch to the next.
        let common = ["train", "--csv", file, "--label-column", "label", "--order", "sequential", "--batch-size", "8",
                      "--learning-rate", "0.05"]
        let first = try run(common + ["--hidden", "8", "--standardize", "--epochs", "1", "--save", "one.safetensors"])
        #expect(first.status == 0, "\(first)")
        let resumed = try run(common + ["--epochs", "1", "--initial-model", "one.safetensors", "--save", "resumed.safetensors"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.standardOutput.contains("network 4-8-3 relu, weights from one.safetensors, sgd lr 0.05"), "\(resumed)")
        #expect(resumed.standardOutput.contains("standardized as one.safetensors was"), "\(resumed)")
        let whole = try run(common + ["--hidden", "8", "--standardize", "--epochs", "2", "--save", "two.safetensors"])
        #expect(whole.status == 0, "\(whole)")

        let (one, oneMetadata) = try parameters("one.safetensors")
        let (continued, continuedMetadata) = try parameters("resumed.safetensors")
        let (two, twoMetadata) = try parameters("two.safetensors")
        #expect(continued == two)
        #expect(continued != one)
        // The standardization and the feature columns travel with the model.
        let kept = oneMetadata.keys.filter { !["train_accuracy", "test_accuracy", "iterations", "seed"].contains($0) }
        #expect(kept.count >= 3, "\(oneMetadata)")
        for key in kept {
            #expect(continuedMetadata[key] == oneMetadata[key], "\(key)")
            #expect(twoMetadata[key] == oneMetadata[key], "\(key)")
        }
        #expect(continuedMetadata["test_accuracy"] == twoMetadata["test_accuracy"])
    }

    @Test("A file that does not fit the shape options, the data or the scaling options is refused in one line")
    func mismatchesRefused() throws {
        let file = try scratch.writeFile(Array(CSVTrainingTests.csv(rows: 30, seed: 12).utf8), to: "d.csv")
        let csv = ["train", "--csv", file, "--label-column", "label", "--epochs", "1"]
        let saved = try run(csv + ["--hidden", "8", "--save", "m.safetensors"])
        #expect(saved.status == 0, "\(saved)")
        expectOneLineError(try run(csv + ["--initial-model", "m.safetensors", "--hidden", "9"]),
                           mentioning: ["--initial-model m.safetensors: the file's network is affine:8,relu,affine:3",
                                        "--hidden describes affine:9,relu,affine:3"])
        expectOneLineError(try run(["train", "--data", data.url.path, "--iterations", "1", "--initial-model", "m.safetensors"]),
                           mentioning: ["m.safetensors: the model takes 4 inputs and 3 classes, MNIST has 784 and 10"])
        expectOneLineError(try run(csv + ["--initial-model", "m.safetensors", "--standardize"]),
                           mentioning: ["--standardize with --initial-model"])
        expectOneLineError(try run(csv + ["--initial-model", "m.safetensors", "--weight-init", "he"]),
                           mentioning: ["--weight-init with --initial-model: the weights come from the file"])
        expectOneLineError(try run(csv + ["--initial-model", "missing.safetensors"]), mentioning: ["missing.safetensors"])
        // The same shape, given explicitly, is accepted.
        let same = try run(csv + ["--initial-model", "m.safetensors", "--hidden", "8"])
        #expect(same.status == 0, "\(same)")
    }

    @Test("--save naming the --initial-model file, however spelled, is refused and the file kept")
    func saveOntoInitialModelRefused() throws {
        let file = try scratch.writeFile(Array(CSVTrainingTests.csv(rows: 30, seed: 13).utf8), to: "d.csv")
        let csv = ["train", "--csv", file, "--label-column", "label", "--epochs", "1", "--hidden", "4"]
        #expect(try run(csv + ["--save", "m.safetensors"]).status == 0)
        let before = try Data(contentsOf: scratch.path("m.safetensors"))
        expectOneLineError(try run(csv + ["--initial-model", "m.safetensors", "--save", "m.safetensors"]),
                           mentioning: ["--save m.safetensors would replace the --initial-model file m.safetensors",
                                        "nothing was written"])
        expectOneLineError(try run(csv + ["--initial-model", "m.safetensors", "--save", "./m.safetensors"]),
                           mentioning: ["the --initial-model file m.safetensors"])
        #expect(try Data(contentsOf: scratch.path("m.safetensors")) == before)
    }
}
