@testable import Backprop
import Foundation
import Testing
import TestSupport

@Suite("Networks as layer lists: specs, shapes, names, state and files")
struct LayerListTests {
    @Test("A layer list parses and prints back the same", arguments: [
        "affine:50,relu,affine:10",
        "affine:100,batchnorm,relu,dropout:0.5,affine:10",
        "affine:8,batchnorm:eps=1e-05,tanh,dropout:0.2:inverted,affine:3,dropout:0.5",
        "affine:4,sigmoid,affine:2",
    ])
    func roundTrip(_ text: String) throws {
        let specs = try LayerSpec.list(parsing: text)
        #expect(LayerSpec.description(of: specs) == text)
    }

    @Test("Items that are not layers are refused, naming the item", arguments: [
        ("", "the layer list is empty"),
        ("affine:10,swish", "'swish' is not a layer"),
        ("affine:0", "'affine:0': expected affine:UNITS"),
        ("affine", "'affine': expected affine:UNITS"),
        ("relu:3", "'relu:3': relu takes no settings"),
        ("dropout:1.5", "'dropout:1.5': expected dropout:RATIO"),
        ("dropout:0.5:sideways", "'dropout:0.5:sideways': expected dropout:RATIO"),
        ("batchnorm:eps=-1", "'batchnorm:eps=-1': expected batchnorm"),
    ])
    func refused(_ text: String, _ message: String) {
        let error = #expect(throws: LayerSpecError.self) { try LayerSpec.list(parsing: text) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test("The book's MultiLayerNetExtend is Affine, BatchNorm, activation, Dropout per hidden layer, then Affine")
    func extendedNet() {
        let specs = LayerSpec.fullyConnected(hiddenSizes: [100, 100], outputSize: 10, activation: .relu,
                                             batchNorm: true, dropoutRatio: 0.15)
        #expect(LayerSpec.description(of: specs)
                == "affine:100,batchnorm,relu,dropout:0.15,affine:100,batchnorm,relu,dropout:0.15,affine:10")
    }

    @Test("Parameters and buffers are named per stem as the book names them")
    func names() throws {
        var generator = SeededGenerator(seed: 1)
        let network = try MultiLayerNet(
            inputShape: [6], layers: LayerSpec.list(parsing: "affine:5,batchnorm,relu,dropout:0.5,affine:4,batchnorm,relu,affine:3"),
            backend: ReferenceBackend<Double>(), generator: &generator)
        #expect(network.parameters.map(\.name) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"])
        #expect(network.buffers.map(\.name) == ["running_mean1", "running_var1", "running_mean2", "running_var2"])
        #expect(network.parameterList.roles == [.weight, .bias, .scale, .shift, .weight, .bias, .scale, .shift, .weight, .bias])
        #expect(network.sizes == [6, 5, 4, 3])
        #expect(network.activation == nil)
        #expect(network.architectureDescription == "6 -> affine:5,batchnorm,relu,dropout:0.5,affine:4,batchnorm,relu,affine:3")
        // What a file without the network's names is matched against names the same tensors.
        #expect(StateNames.specNames(network.spec).flatMap(\.names)
                == ["W1", "b1", "gamma1", "beta1", "running_mean1", "running_var1",
                    "W2", "b2", "gamma2", "beta2", "running_mean2", "running_var2", "W3", "b3"])
        #expect(Set(StateNames.specNames(network.spec).flatMap(\.names)) == Set(network.state.map(\.name)))
    }

    @Test("The layer list builds the same network as the fully connected initializer, bitwise")
    func sameDraws() throws {
        let plain = MultiLayerNet(inputSize: 7, hiddenSizes: [6, 5], outputSize: 3, activation: .sigmoid,
                                  weightInitialization: .xavier, backend: FastBackend(), seed: 9)
        var generator = SeededGenerator(seed: 9)
        let listed = try MultiLayerNet(inputShape: [7], layers: LayerSpec.list(parsing: "affine:6,sigmoid,affine:5,sigmoid,affine:3"),
                                       weightInitialization: .xavier, backend: FastBackend(), generator: &generator)
        #expect(parameterBits(of: plain) == parameterBits(of: listed))
        #expect(plain.activation == .sigmoid)
        #expect(plain.architectureDescription == "7-6-5-3 sigmoid")
    }

    @Test("A layer that cannot take its input is a thrown error naming the layer and the shapes")
    func shapeError() throws {
        let backend = ReferenceBackend<Float>()
        let layers: [any Layer<ReferenceBackend<Float>>] = [
            Affine(weights: Tensor(shape: [4, 3]), bias: Tensor(shape: [3]), backend: backend), Relu(backend: backend),
            Affine(weights: Tensor(shape: [5, 2]), bias: Tensor(shape: [2]), backend: backend),
        ]
        let error = #expect(throws: LayerShapeError.self) {
            try MultiLayerNet(inputShape: [4], layers: layers, loss: SoftmaxWithLoss(backend: backend), backend: backend)
        }
        #expect(error?.description == "layer affine:2 cannot take input of shape [3]: its weights take 5 values per sample, the input has 3")
        var generator = SeededGenerator(seed: 1)
        let listError = #expect(throws: LayerShapeError.self) {
            try MultiLayerNet(inputShape: [4], layers: [.activation(.relu)], backend: backend, generator: &generator)
        }
        #expect(listError?.description.contains("no affine layer") == true)
    }

    @Test("State round-trips through a model file and a copy, buffers included, and evaluates the same")
    func stateRoundTrip() throws {
        let data = blobsDataset(count: 60, features: 6, classes: 3, seed: 5)
        var generator = SeededGenerator(seed: 3)
        let network = try MultiLayerNet(
            inputShape: [6], layers: LayerSpec.list(parsing: "affine:8,batchnorm,relu,dropout:0.3,affine:3"),
            backend: FastBackend(), generator: &generator)
        let trainer = Trainer(network: network, optimizer: Momentum(learningRate: 0.05), trainingSet: data,
                              configuration: TrainingConfiguration(iterations: 30, batchSize: 12, seed: 4))
        _ = try trainer.train()
        let means = try #require(network.buffers.first { $0.name == "running_mean1" }).tensor
        #expect(means.scalars.contains { $0 != 0 }, "training moved the running mean")

        let directory = try TemporaryDirectory()
        let url = directory.path("bn.safetensors")
        try ModelFile.save(network, to: url)
        let loaded = try ModelFile.load(from: url, backend: FastBackend())
        #expect(loaded.spec == network.spec)
        #expect(loaded.state.map(\.name) == network.state.map(\.name))
        #expect(loaded.state.map { $0.tensor.scalars.map(\.bitPattern) } == network.state.map { $0.tensor.scalars.map(\.bitPattern) })
        let x = Tensor<Float>.converting(data.inputs)
        #expect(loaded.predict(x).scalars.map(\.bitPattern) == network.predict(x).scalars.map(\.bitPattern))
        #expect(network.copy().predict(x).scalars.map(\.bitPattern) == network.predict(x).scalars.map(\.bitPattern))
        #expect(loaded.accuracy(x, labels: data.labels) == network.accuracy(x, labels: data.labels))
    }
}
