import ArgumentParser
import Backprop
import Foundation

/// `backprop filters --svg DIR`: the first convolution's filters drawn as the book's
/// `ch07/visualize_filter.py` draws them, from a trained model (`--model`) or from the network
/// `train` would start from (`--network`/`--layers` with `--seed`), so the pictures before and
/// after training can be set side by side.
struct FiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "Draw the first convolution's filters as grey-scale pictures (the book's ch07/visualize_filter.py).",
        discussion: """
            With --model, the filters of a model file (from 'train --save', or a PyTorch state dict read with \
            --layers). Without it, the filters of a freshly initialized --network or --layers network with \
            --seed: the weights 'train' with the same options starts from. Each filter is scaled from its \
            smallest weight (white) to its largest (black), channel 0 only, eight to a row.
            """)

    /// The figure's file name in the `--svg` directory.
    static let fileName = "filters.svg"

    @Option(help: ArgumentHelp(
        "The model file: safetensors from 'train --save' or a PyTorch nn.Sequential state dict (with --layers).",
        valueName: "file"))
    var model: String?

    @OptionGroup var network: NetworkOptions

    @Option(help: "Seed of the initialization, without --model: the same seed as 'train' draws the same filters.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Write \(Self.fileName) into this directory.", valueName: "dir"))
    var svg: String

    func validate() throws {
        if model != nil {
            let others = [(network.network != nil, "--network"), (!network.hidden.isEmpty, "--hidden"),
                          (network.batchNorm, "--batch-norm"), (network.dropout != nil, "--dropout"),
                          (seed != nil, "--seed")].filter(\.0).map(\.1)
            if let other = others.first {
                throw ValidationError("\(other) describes a new network; --model draws the file's own filters: give one of them")
            }
        } else if network.network == nil && network.layers == nil {
            throw ValidationError("give --model FILE, or --network NAME or --layers SPEC (with --seed) for a freshly initialized network")
        }
    }

    func run() throws {
        let figure = try validatedOutputDirectory(svg, option: "--svg").appendingPathComponent(Self.fileName)
        var roles = FileRoles()
        roles.read(model, option: "--model")
        roles.write(figure.path, option: "--svg")
        try roles.check()
        do {
            try OutputSet.checkWritable(figure)
        } catch {
            throw CommandError("\(error); nothing was written")
        }

        let (grid, title) = try filters(on: FastBackend())
        var files = OutputSet()
        files.add(Data(grid.svg(title: title).utf8), at: figure)
        do {
            try files.write()
        } catch {
            throw CommandError("\(error); nothing was written")
        }
        try StandardOutput.line("\(grid.filterCount) filters \(grid.height)x\(grid.width) (channel 0 of \(grid.channels)): \(title)")
        try StandardOutput.line("wrote \(figure.path)")
    }

    /// The first convolution's pictures and the figure's title; one line naming the model or
    /// the option when the network has no convolution.
    private func filters<Backend: KernelBackend>(on backend: Backend) throws -> (FilterGrid, String) where Backend.Scalar == Float {
        let net: MultiLayerNet<Backend>
        let source: String
        if let model {
            net = try ModelOptions.load(model, layers: network.layers, activation: network.activation, on: backend).network
            try requireFiniteParameters(of: net, in: model)
            source = model
        } else {
            // MNIST's shape: 1x28x28 images, 10 classes; the first layer's weights are drawn
            // first, so the output size does not change them.
            let (features, classes) = (784, 10)
            var generator = SeededGenerator(seed: seed ?? 42)
            do {
                net = try MultiLayerNet(inputShape: network.inputShape(features: features, outputSize: classes),
                                        layers: network.specs(outputSize: classes),
                                        weightInitialization: WeightInitChoice.initialization(
                                            nil, standardDeviation: 0.01, prefersHe: network.hiddenLayerCount > 1,
                                            preset: network.network),
                                        backend: backend, generator: &generator)
            } catch let error as LayerShapeError {
                throw CommandError("\(network.option): \(error)")
            }
            source = "\(network.option == "--layers" ? "--layers \(network.layers ?? "")" : network.option), "
                + "seed \(seed ?? 42), before training"
        }
        guard let grid = FilterGrid(firstConvolutionOf: net) else {
            throw CommandError("\(model ?? network.option): the network (\(LayerSpec.description(of: net.spec))) has no "
                               + "convolution, so it has no filters to draw")
        }
        let convolution = net.spec.first { if case .convolution = $0 { true } else { false } }
        return (grid, "\(convolution.map { "\($0)" } ?? "conv") filters of \(source)")
    }
}
