import Backprop
import Foundation
import Testing
import TestSupport

/// What a model file from elsewhere does not say — its hidden activation, how its inputs were
/// normalized — is stated once by an option and then kept in the file; it is never guessed,
/// and what `train` did to the inputs is kept in the file it saves.
@Suite("backprop does not guess a model's activation or input scaling")
struct ModelDescriptionTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 100, testCount: 50) }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    /// A 784-6-10 sigmoid network saved as numpy would: the book's names, no metadata.
    func numpyModel() throws -> (path: String, network: MultiLayerNet<ReferenceBackend<Float>>) {
        let network = MultiLayerNet(inputSize: 784, hiddenSizes: [6], outputSize: 10, activation: .sigmoid,
                                    weightInitialization: .xavier, backend: ReferenceBackend<Float>(), seed: 3)
        let url = scratch.path("numpy.safetensors")
        try Safetensors.save(network.parameters, to: url)
        return (url.path, network)
    }

    /// The last JSON object on stdout.
    func json(_ run: BackpropExecutable.Run) throws -> [String: Any] {
        let line = try #require(run.outputLines.last, "\(run)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
    }

    @Test("evaluate, predict and convert refuse a file that names no activation; convert --activation writes it in")
    func activationIsStated() throws {
        let (model, network) = try numpyModel()
        let images = data.filePath("t10k-images-idx3-ubyte")
        for arguments in [["evaluate", "--model", model, "--data", data.url.path],
                          ["predict", "--model", model, "--images", images],
                          ["convert", "--model", model, "--layout", "torch", "--output", "t.safetensors"]] {
            let run = try run(arguments)
            expectOneLineError(run, mentioning: ["\(model): the file does not name the hidden layers' activation",
                                                 "--activation relu|sigmoid|tanh"])
            #expect(run.status == 1 && run.standardOutput.isEmpty, "\(run)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.filePath("t.safetensors")))

        expectSuccess(try run(["convert", "--model", model, "--activation", "sigmoid", "--layout", "backprop",
                               "--output", "named.safetensors"]))
        // The layer list in the file names the activation.
        let layers = try Safetensors.load(from: scratch.path("named.safetensors")).metadata["layers"]
        #expect(layers?.split(separator: ",").contains("sigmoid") == true, "\(String(describing: layers))")
        // Later runs need nothing, and compute the sigmoid network.
        let evaluated = try run(["evaluate", "--model", "named.safetensors", "--data", data.url.path, "--json"])
        expectSuccess(evaluated)
        let test = try MNIST.load(.test, from: data.url)
        #expect(try json(evaluated)["test_accuracy"] as? Double == network.accuracy(test.inputs, labels: test.labels))
    }

    @Test("--input-mean and --input-std standardize the inputs of evaluate and predict, and convert stores them")
    func inputStandardization() throws {
        let (model, network) = try numpyModel()
        let test = try MNIST.load(.test, from: data.url)
        let standardization = Standardization(mean: Array(repeating: 0.1307, count: 784),
                                              standardDeviation: Array(repeating: 0.3081, count: 784))
        let expected = network.accuracy(standardization.apply(to: test.inputs), labels: test.labels)
        let options = ["--activation", "sigmoid", "--input-mean", "0.1307", "--input-std", "0.3081"]
        let evaluated = try run(["evaluate", "--model", model, "--data", data.url.path, "--json"] + options)
        expectSuccess(evaluated)
        #expect(try json(evaluated)["test_accuracy"] as? Double == expected)
        // predict's classes are the same network's on the same standardized inputs.
        let predicted = try run(["predict", "--model", model, "--images", data.filePath("t10k-images-idx3-ubyte"),
                                 "--labels", data.filePath("t10k-labels-idx1-ubyte")] + options)
        #expect(predicted.status == 0, "\(predicted)")
        #expect(predicted.errorLines.last?.hasPrefix(String(format: "accuracy %.4f (", expected)) == true, "\(predicted)")

        expectSuccess(try run(["convert", "--model", model, "--layout", "torch", "--output", "normalized.safetensors"]
                              + options))
        let metadata = try Safetensors.load(from: scratch.path("normalized.safetensors")).metadata
        #expect(metadata["input_mean"]?.split(separator: ",").count == 784)
        #expect(metadata["input_std"]?.split(separator: ",").allSatisfy { $0 == "0.3081" } == true)
        let again = try run(["evaluate", "--model", "normalized.safetensors", "--data", data.url.path, "--json"])
        expectSuccess(again)
        #expect(try json(again)["test_accuracy"] as? Double == expected)

        // A list of the wrong length names the option and the model's input count.
        expectOneLineError(try run(["evaluate", "--model", model, "--activation", "sigmoid", "--input-mean", "0.1,0.2",
                                    "--data", data.url.path]),
                           mentioning: ["--input-mean gives 2 values, but \(model) takes 784 inputs"])
        expectOneLineError(try run(["evaluate", "--model", model, "--activation", "sigmoid", "--input-std", "0",
                                    "--data", data.url.path]),
                           mentioning: ["--input-std must be positive"])
    }

    @Test("train --input-range is stored in the model, and evaluate applies it: the same test accuracy as training")
    func inputRangeIsKept() throws {
        let model = scratch.filePath("m.safetensors")
        let trained = try run(["train", "--iterations", "40", "--batch-size", "20", "--hidden", "10",
                               "--input-range", "0.01:1.0", "--data", data.url.path, "--save", model, "--json", "--force"])
        #expect(trained.status == 0, "\(trained)")
        #expect(try Safetensors.load(from: URL(fileURLWithPath: model)).metadata["input_range"] == "0.01:1.0")
        let evaluated = try run(["evaluate", "--model", model, "--data", data.url.path, "--json"])
        expectSuccess(evaluated)
        #expect(try json(evaluated)["test_accuracy"] as? Double == json(trained)["test_accuracy"] as? Double)
        // The same network on unscaled pixels, which evaluate used to compute.
        let network = try ModelFile.load(from: URL(fileURLWithPath: model), backend: ReferenceBackend<Float>())
        let test = try MNIST.load(.test, from: data.url)
        let scaled = network.accuracy(test.inputs.rescaled(to: 0.01...1.0), labels: test.labels)
        #expect(try json(evaluated)["test_accuracy"] as? Double == scaled)
    }
}
