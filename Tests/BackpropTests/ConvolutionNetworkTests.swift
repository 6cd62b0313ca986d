@testable import Backprop
import Foundation
import Testing
import TestSupport

@Suite("Convolutional networks: conv/pool specs, gradient checks, files, PyTorch import, allocation")
struct ConvolutionNetworkTests {
    @Test("conv and pool items parse and print back the same", arguments: [
        "conv:30:5,relu,pool:2,affine:100,relu,affine:10",
        "conv:16:3:pad=1,relu,conv:16:3:stride=2:pad=1,pool:3:stride=2:pad=1,affine:10",
        "conv:4:3:stride=2,tanh,pool:2:stride=1,batchnorm,dropout:0.5,affine:3",
    ])
    func roundTrip(_ text: String) throws {
        let specs = try LayerSpec.list(parsing: text)
        #expect(LayerSpec.description(of: specs) == text)
    }

    @Test("Strides default to 1 for conv and to the window for pool; settings may come in either order")
    func defaults() throws {
        #expect(try LayerSpec(parsing: "conv:8:3") == .convolution(filters: 8, kernel: 3, stride: 1, pad: 0))
        #expect(try LayerSpec(parsing: "conv:8:3:pad=1:stride=2") == .convolution(filters: 8, kernel: 3, stride: 2, pad: 1))
        #expect(try LayerSpec(parsing: "pool:2") == .maxPool(size: 2, stride: 2, pad: 0))
        #expect(try LayerSpec(parsing: "pool:3:stride=2:pad=1") == .maxPool(size: 3, stride: 2, pad: 1))
    }

    @Test("Malformed conv and pool items are refused, naming the item", arguments: [
        ("conv:0:3", "'conv:0:3': expected conv:FILTERS:KERNEL"),
        ("conv:4", "'conv:4': expected conv:FILTERS:KERNEL"),
        ("conv:4:3:stride=0", "'conv:4:3:stride=0': expected conv:FILTERS:KERNEL"),
        ("conv:4:3:pad=1:pad=2", "'conv:4:3:pad=1:pad=2': expected conv:FILTERS:KERNEL"),
        ("pool:2:pad=2", "'pool:2:pad=2': expected pool:SIZE"),
        ("pool:2:size=3", "'pool:2:size=3': expected pool:SIZE"),
    ])
    func refused(_ text: String, _ message: String) {
        let error = #expect(throws: LayerSpecError.self) { try LayerSpec.list(parsing: text) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test("Shapes: the book's SimpleConvNet on MNIST, W1 is the convolution; a flat input is refused")
    func shapesAndNames() throws {
        var generator = SeededGenerator(seed: 1)
        let network = try MultiLayerNet(inputShape: [1, 28, 28],
                                        layers: LayerSpec.list(parsing: "conv:30:5,relu,pool:2,affine:100,relu,affine:10"),
                                        weightInitialization: .standardDeviation(0.01), backend: FastBackend(),
                                        generator: &generator)
        #expect(network.parameters.map(\.name) == ["W1", "b1", "W2", "b2", "W3", "b3"])
        #expect(network.parameters.map(\.tensor.shape) == [[30, 1, 5, 5], [30], [4320, 100], [100], [100, 10], [10]])
        let error = #expect(throws: LayerShapeError.self) {
            _ = try MultiLayerNet(inputShape: [784], layers: LayerSpec.list(parsing: "conv:30:5,affine:10"),
                                  backend: FastBackend(), generator: &generator)
        }
        #expect(error?.description.contains("conv:30:5") == true && error?.description.contains("[1, 28, 28]") == true,
                "\(String(describing: error))")
        #expect(throws: LayerShapeError.self) {
            _ = try MultiLayerNet(inputShape: [1, 4, 4], layers: LayerSpec.list(parsing: "conv:2:5,affine:10"),
                                  backend: FastBackend(), generator: &generator)
        }
    }

    /// The book's ch07 gradient check (gradient_check.py of SimpleConvNet: input 1x10x10, 10
    /// filters 3x3, hidden 10, 10 classes), and one with two channels, stride 2, padding and
    /// overlapping pooling windows where ReLU's zeros tie.
    @Test("In Double every mean difference is below 1e-8 (book's ch07 shape; stride 2, padding, channels, pooling ties)")
    func gradientCheck() throws {
        let backend = ReferenceBackend<Double>()
        let cases: [(shape: [Int], layers: String, initialization: WeightInitialization, classes: Int)] = [
            ([1, 10, 10], "conv:10:3,relu,pool:2,affine:10,relu,affine:10", .standardDeviation(0.01), 10),
            ([2, 7, 7], "conv:3:3:stride=2:pad=1,relu,pool:2:stride=1,affine:6,relu,affine:4", .he, 4),
        ]
        for (index, item) in cases.enumerated() {
            var generator = SeededGenerator(seed: UInt64(20 + index))
            let network = try MultiLayerNet(inputShape: item.shape, layers: LayerSpec.list(parsing: item.layers),
                                            weightInitialization: item.initialization,
                                            backend: backend, generator: &generator)
            let data = unitIntervalDataset(count: 3, features: item.shape.reduce(1, *), classes: item.classes,
                                           seed: UInt64(30 + index))
            let check = GradientCheck(network: network, dataset: data, sampleCount: 2)
            #expect(check.differences.map(\.name) == network.parameters.map(\.name))
            for (name, difference) in check.differences {
                #expect(difference < 1e-8, "\(item.layers) \(name): \(difference)")
            }
        }
    }

    @Test("Pooling reports its winners as pieces: a tie broken the other way is a different piece")
    func poolingPieces() {
        let pool = Pooling(size: 2, inputShape: [1, 2, 2], backend: ReferenceBackend<Double>())
        _ = pool.forward(Tensor(shape: [1, 4], scalars: [1, 1, 0, 0]), training: true)
        #expect(pool.argmax == [0] && pool.activePieces == [0])
        _ = pool.forward(Tensor(shape: [1, 4], scalars: [1, 1.5, 0, 0]), training: true)
        #expect(pool.argmax == [1] && pool.activePieces == [1])
        let dx = pool.backward(Tensor(shape: [1, 1, 1, 1], scalars: [2]))
        #expect(dx.shape == [1, 4] && dx.scalars == [0, 2, 0, 0])
    }

    @Test("A trained conv net round-trips through a model file bit for bit, and through PyTorch's layout")
    func modelFileRoundTrip() throws {
        let data = unitIntervalDataset(count: 40, features: 64, classes: 3, seed: 5)
        var generator = SeededGenerator(seed: 6)
        let network = try MultiLayerNet(inputShape: [1, 8, 8],
                                        layers: LayerSpec.list(parsing: "conv:4:3:pad=1,relu,pool:2,affine:3"),
                                        backend: FastBackend(), generator: &generator)
        let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: data,
                              configuration: TrainingConfiguration(iterations: 5, batchSize: 10, seed: 7))
        _ = try trainer.train()
        let directory = try TemporaryDirectory()
        let url = directory.path("conv.safetensors")
        try ModelFile.save(network, to: url)
        let loaded = try ModelFile.load(from: url, backend: FastBackend())
        #expect(loaded.spec == network.spec && loaded.inputShape == [1, 8, 8])
        #expect(loaded.state.map { $0.tensor.scalars.map(\.bitPattern) } == network.state.map { $0.tensor.scalars.map(\.bitPattern) })
        let x = Tensor<Float>.converting(data.inputs)
        #expect(loaded.predict(x).scalars.map(\.bitPattern) == network.predict(x).scalars.map(\.bitPattern))

        let torch = directory.path("torch.safetensors")
        try ModelFile.save(network, to: torch, layout: .torch)
        let file = try Safetensors.load(from: torch)
        #expect(file.tensors["0.weight"]?.shape == [4, 1, 3, 3])
        #expect(file.tensors["0.weight"]?.scalars == network.parameters[0].tensor.scalars)
        #expect(file.tensors["3.weight"]?.shape == [3, 64])
        let imported = try ModelFile.importModel(from: torch, backend: FastBackend())
        #expect(imported.network.predict(x).scalars.map(\.bitPattern) == network.predict(x).scalars.map(\.bitPattern))
    }

    @Test("A conv net's training step allocates nothing after the first (Fast and Reference backends)")
    func noAllocation() throws {
        try checkSteadyState(FastBackend())
        try checkSteadyState(ReferenceBackend<Float>())
    }

    private func checkSteadyState<Backend: KernelBackend>(_ backend: Backend) throws {
        let data = unitIntervalDataset(count: 60, features: 2 * 36, classes: 3, seed: 8)
        var generator = SeededGenerator(seed: 9)
        let network = try MultiLayerNet(inputShape: [2, 6, 6],
                                        layers: LayerSpec.list(parsing: "conv:3:3:pad=1,relu,pool:2,conv:4:2,relu,affine:3"),
                                        backend: backend, generator: &generator)
        let trainer = Trainer(network: network, optimizer: Adam(), trainingSet: data, testSet: data.prefix(20),
                              configuration: TrainingConfiguration(batchSize: 10, evaluationChunkSize: 16, seed: 10))
        try trainer.step()
        _ = trainer.evaluate()
        try trainer.step()
        let settled = trainer.storageAddresses
        #expect(settled.count >= 2 * 6 + 6 + 3)
        _ = trainer.evaluate()
        for _ in 0..<3 { try trainer.step() }
        let now = trainer.storageAddresses
        let moved = settled.indices.filter { $0 < now.count && now[$0] != settled[$0] }
        #expect(now.count == settled.count && moved.isEmpty, "buffers \(moved) of \(settled.count) were reallocated")
    }
}

/// A PyTorch `nn.Sequential(Conv2d(2, 3, 3, stride=2, padding=1), ReLU, MaxPool2d(2), Flatten,
/// Linear(12, 5))` state dict, and its outputs computed in numpy (float64) by the definitions.
@Suite("A PyTorch convolutional network imports and computes numpy's outputs",
       .enabled(if: Python.hasNumPy, "needs python3 with numpy"))
struct ConvolutionImportTests {
    static let script = Python.safetensorsFunctions + """
    import sys
    rng = np.random.default_rng(11)
    f32 = lambda *shape: rng.normal(size=shape).astype(np.float32)
    x = f32(4, 2, 7, 7)
    w0, b0, w4, b4 = f32(3, 2, 3, 3), f32(3), f32(5, 12), f32(5)
    save_safetensors(sys.argv[1], [('0.weight', w0), ('0.bias', b0), ('4.weight', w4), ('4.bias', b4)], {'format': 'pt'})
    save_safetensors(sys.argv[2], [('x', x.reshape(4, 98))])
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((4, 3, 4, 4))
    for i in range(4):
        for j in range(4):
            window = xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3]
            conv[:, :, i, j] = np.einsum('nchw,fchw->nf', window, w0.astype(np.float64)) + b0
    h = np.maximum(conv, 0).reshape(4, 3, 2, 2, 2, 2).max(axis=(3, 5)).reshape(4, 12)
    y = h @ w4.T.astype(np.float64) + b4
    print(' '.join(repr(float(v)) for v in y.ravel()))
    """

    @Test("Conv2d, ReLU, MaxPool2d, Flatten, Linear with --layers and the image shape: numpy's outputs to Float rounding")
    func sequentialConvNet() throws {
        let directory = try TemporaryDirectory()
        let (model, inputs) = (directory.path("torch.safetensors"), directory.path("x.safetensors"))
        let (status, output) = try Python.run(Self.script, arguments: [model.path, inputs.path])
        try #require(status == 0, "\(output)")
        let expected = output.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        let layers = try LayerSpec.list(parsing: "conv:3:3:stride=2:pad=1,relu,pool:2,affine:5")
        #expect(throws: ModelFileError.self) { _ = try ModelFile.importModel(from: model, backend: FastBackend(), layers: layers) }
        let imported = try ModelFile.importModel(from: model, backend: FastBackend(), layers: layers, inputShape: [2, 7, 7])
        #expect(imported.layout == .torch)
        let x = try #require(try Safetensors.load(from: inputs).tensors["x"])
        let scores = imported.network.predict(x).scalars.map(Double.init)
        #expect(scores.count == expected.count)
        for (ours, theirs) in zip(scores, expected) {
            #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "\(ours) vs \(theirs)")
        }
    }
}
