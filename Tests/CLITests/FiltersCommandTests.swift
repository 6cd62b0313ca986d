import Backprop
import Foundation
import Testing
import TestSupport

/// `backprop filters`: the first convolution's filters drawn from a model file (Backprop's
/// own or PyTorch's layout) or from a freshly initialized network, the files checked like
/// every other output, and networks without a convolution refused in one line.
@Suite("backprop filters")
struct FiltersCommandTests {
    let scratch: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
    }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    /// The pixel colours of the SVG at `path`, in order.
    func fills(_ path: String) throws -> [String] {
        // The pixels are the only fills with six hex digits (frames have none, the title "#000").
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "fill=\"#").compactMap { piece in
            let colour = piece.prefix(6)
            return colour.count == 6 && colour.allSatisfy(\.isHexDigit) && piece.dropFirst(6).first == "\"" ? String(colour) : nil
        }
    }

    /// A 1x28x28 network conv:2:2 → relu → affine:2 whose two filters are [0, 1, 2, 3] and
    /// [4, -4, 0, 0] (greys 255, 170, 85, 0 and 0, 255, 127, 127), saved in `layout`.
    func knownModel(_ name: String, layout: ModelLayout = .backprop) throws -> String {
        let backend = ReferenceBackend<Float>()
        let convolution = Convolution(weights: Tensor(shape: [2, 1, 2, 2], scalars: [0, 1, 2, 3, 4, -4, 0, 0]),
                                      bias: Tensor(shape: [2], scalars: [0.5, -0.5]), inputShape: [1, 28, 28],
                                      backend: backend)
        let affine = Affine(weights: Tensor(shape: [2 * 27 * 27, 2], repeating: 0.01), bias: Tensor(shape: [2]),
                            backend: backend)
        let net = try MultiLayerNet(inputShape: [1, 28, 28], layers: [convolution, Relu(backend: backend), affine],
                                    loss: SoftmaxWithLoss(backend: backend), backend: backend)
        let url = scratch.path(name)
        try ModelFile.save(net, to: url, layout: layout)
        return url.path
    }

    static let knownFills = ["ffffff", "aaaaaa", "555555", "000000", "000000", "ffffff", "7f7f7f", "7f7f7f"]

    @Test("A saved model's two known filters come out as their grey levels, in Backprop's and PyTorch's layout")
    func knownWeights() throws {
        let model = try knownModel("known.safetensors")
        let drawn = try run(["filters", "--model", model, "--svg", "pictures"])
        #expect(drawn.exited && drawn.status == 0 && drawn.standardError.isEmpty, "\(drawn)")
        #expect(drawn.outputLines.first?.hasPrefix("2 filters 2x2 (channel 0 of 1): conv:2:2 filters of ") == true, "\(drawn)")
        #expect(drawn.outputLines.last == Substring("wrote \(scratch.filePath("pictures/filters.svg"))"), "\(drawn)")
        #expect(try fills(scratch.filePath("pictures/filters.svg")) == Self.knownFills)

        let torch = try knownModel("torch.safetensors", layout: .torch)
        let imported = try run(["filters", "--model", torch, "--layers", "conv:2:2,relu,affine:2", "--svg", "torch"])
        #expect(imported.exited && imported.status == 0, "\(imported)")
        #expect(try fills(scratch.filePath("torch/filters.svg")) == Self.knownFills)
    }

    @Test("A fresh --layers network draws the filters train starts from with that seed; seeds differ")
    func freshNetwork() throws {
        let drawn = try run(["filters", "--layers", "conv:3:5,relu,pool:2,affine:10", "--seed", "7", "--svg", "before"])
        #expect(drawn.exited && drawn.status == 0, "\(drawn)")
        var generator = SeededGenerator(seed: 7)
        let net = try MultiLayerNet(inputShape: [1, 28, 28],
                                    layers: [.convolution(filters: 3, kernel: 5), .activation(.relu),
                                             .maxPool(size: 2, stride: 2), .affine(units: 10)],
                                    weightInitialization: .standardDeviation(0.01),
                                    backend: FastBackend(), generator: &generator)
        let expected = try #require(FilterGrid(firstConvolutionOf: net))
        let pictured = try fills(scratch.filePath("before/filters.svg"))
        #expect(pictured == expected.levels.flatMap { $0 }.map { String(format: "%02x%02x%02x", $0, $0, $0) })
        #expect(pictured.count == 75)
        let other = try run(["filters", "--layers", "conv:3:5,relu,pool:2,affine:10", "--seed", "8", "--svg", "other"])
        #expect(other.status == 0, "\(other)")
        let otherPictured = try fills(scratch.filePath("other/filters.svg"))
        #expect(otherPictured != pictured && otherPictured.count == 75)

        let simple = try run(["filters", "--network", "simple-convnet", "--svg", "simple"])
        #expect(simple.status == 0, "\(simple)")
        #expect(simple.outputLines.first == "30 filters 5x5 (channel 0 of 1): conv:30:5 filters of --network simple-convnet, seed 42, before training",
                "\(simple)")
        #expect(try fills(scratch.filePath("simple/filters.svg")).count == 30 * 25)
    }

    @Test("No convolution, no network, --model with --seed, and an SVG over the model are refused in one line")
    func refused() throws {
        let backend = ReferenceBackend<Float>()
        var generator = SeededGenerator(seed: 1)
        let dense = MultiLayerNet(inputSize: 784, hiddenSizes: [3], outputSize: 10, backend: backend, generator: &generator)
        let model = scratch.path("dense.safetensors")
        try ModelFile.save(dense, to: model)
        let noConvolution = try run(["filters", "--model", model.path, "--svg", "out"])
        expectOneLineError(noConvolution, mentioning: ["dense.safetensors", "affine:3,relu,affine:10", "no convolution"])
        #expect(noConvolution.status == 1)
        let freshDense = try run(["filters", "--layers", "affine:20,relu,affine:10", "--svg", "out"])
        expectOneLineError(freshDense, mentioning: ["--layers", "no convolution"])
        #expect(try scratch.listing() == ["dense.safetensors"])

        expectOneLineError(try run(["filters", "--svg", "out"]), mentioning: ["--model", "--network", "--layers"])
        expectOneLineError(try run(["filters", "--model", model.path, "--seed", "3", "--svg", "out"]),
                           mentioning: ["--seed", "--model"])

        // The figure would replace the model it draws.
        let original = try knownModel("filters.svg")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: original))
        let collision = try run(["filters", "--model", original, "--svg", scratch.url.path])
        expectOneLineError(collision, mentioning: ["--svg", "--model", "filters.svg", "nothing was written"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: original)) == bytes)
        try SVGDirectoryChecks.expectFileAndMissingParentRefused(["filters", "--network", "simple-convnet"])
    }
}
