import ArgumentParser
import Backprop

/// The options that describe the network `train` builds: the book's fully connected shape
/// (`--hidden`, `--activation`, and chapter 6's `--batch-norm` and `--dropout`, which build the
/// book's `MultiLayerNetExtend`), or any layer list (`--layers`).
struct NetworkOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Hidden layer sizes, one or more (default: 50).", valueName: "size"))
    var hidden: [Int] = []

    @Option(help: ArgumentHelp("Hidden-layer activation: relu, sigmoid or tanh (default: relu).", valueName: "activation"))
    var activation: Activation?

    @Flag(name: .customLong("batch-norm"), help: "Batch normalization after every hidden affine layer (the book's MultiLayerNetExtend).")
    var batchNorm = false

    @Option(help: ArgumentHelp(
        "Dropout of this ratio after every hidden activation, the book's way: training keeps x * mask, inference scales by 1 - ratio.",
        valueName: "ratio"))
    var dropout: Double?

    @Option(help: ArgumentHelp(
        "The network as comma-separated layers: affine:UNITS, relu, sigmoid, tanh, batchnorm, dropout:RATIO "
            + "(dropout:RATIO:inverted for PyTorch's scaling); the last affine layer gives the outputs. "
            + "Replaces --hidden, --activation, --batch-norm and --dropout.",
        valueName: "spec"))
    var layers: String?

    @Option(help: ArgumentHelp(
        "One of the book's convolutional networks: simple-convnet (chapter 7) or deep-convnet (chapter 8, He initialization). "
            + "Replaces --hidden, --activation, --batch-norm, --dropout and --layers.",
        valueName: "name"))
    var network: NetworkPreset?

    func validate() throws {
        guard hidden.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--hidden needs one or more positive sizes, got \(hidden)")
        }
        if let dropout, !(0..<1).contains(dropout) {
            throw ValidationError("--dropout must be at least 0 and below 1, got \(dropout)")
        }
        if let layers {
            do {
                _ = try LayerSpec.list(parsing: layers)
            } catch {
                throw ValidationError("--layers: \(error)")
            }
            let others = [(!hidden.isEmpty, "--hidden"), (activation != nil, "--activation"),
                          (batchNorm, "--batch-norm"), (dropout != nil, "--dropout")].filter(\.0).map(\.1)
            if let other = others.first {
                throw ValidationError("--layers describes the whole network; give it or \(other), not both")
            }
        }
        if let network {
            let others = [(!hidden.isEmpty, "--hidden"), (activation != nil, "--activation"), (batchNorm, "--batch-norm"),
                          (dropout != nil, "--dropout"), (layers != nil, "--layers")].filter(\.0).map(\.1)
            if let other = others.first {
                throw ValidationError("--network \(network.rawValue) describes the whole network; give it or \(other), not both")
            }
        }
    }

    /// The hidden sizes of the fully connected network (the book's 50 when none are given).
    var hiddenSizes: [Int] { hidden.isEmpty ? [50] : hidden }

    /// The number of hidden layers with weights (affine or convolution layers before the last
    /// affine one): what decides whether the default initialization is the book's std 0.01
    /// (one hidden layer) or He's (deeper, where 0.01 shrinks the signal layer after layer).
    var hiddenLayerCount: Int {
        guard network == nil, let layers, let specs = try? LayerSpec.list(parsing: layers) else {
            return network == nil ? hiddenSizes.count : 0
        }
        return specs.filter { switch $0 { case .affine, .convolution: true; default: false } }.count - 1
    }

    /// Whether an option shapes the network (rather than leaving it to the defaults, or to the
    /// file of `train --initial-model`).
    var describesShape: Bool {
        !hidden.isEmpty || batchNorm || dropout != nil || layers != nil || network != nil
    }

    /// The hidden activation of the fully connected network (ReLU when none is given).
    var hiddenActivation: Activation { activation ?? .relu }

    /// The layer list for data with `outputSize` outputs per sample. Throws when `--layers`
    /// does not end in that many outputs.
    func specs(outputSize: Int) throws -> [LayerSpec] {
        if let network { return network.specs(outputSize: outputSize) }
        guard let layers else {
            return LayerSpec.fullyConnected(hiddenSizes: hiddenSizes, outputSize: outputSize,
                                            activation: hiddenActivation, batchNorm: batchNorm, dropoutRatio: dropout)
        }
        let specs = try LayerSpec.list(parsing: layers)
        let lastUnits = specs.last { if case .affine = $0 { true } else { false } }
        guard case .affine(let units)? = lastUnits else {
            throw CommandError("--layers: \(LayerSpecError.noAffineLayer)")
        }
        guard units == outputSize else {
            throw CommandError("--layers: the last affine layer gives \(units) outputs but the data has \(outputSize) classes")
        }
        return specs
    }

    /// The widths of the affine layers' outputs for data of `inputSize` features and
    /// `outputSize` classes, with the input first: what the memory estimate counts.
    func sizes(inputSize: Int, outputSize: Int) throws -> [Int] {
        [inputSize] + (try specs(outputSize: outputSize)).compactMap { spec in
            if case .affine(let units) = spec { units } else { nil }
        }
    }

    /// One sample's shape for data of `features` values: MNIST's rows become 1x28x28 images
    /// when the network starts with a convolution.
    func inputShape(features: Int, outputSize: Int) throws -> [Int] {
        try LayerSpec.inputShape(of: specs(outputSize: outputSize), features: features, option: option)
    }

    /// The option that describes the network, for messages.
    var option: String {
        network.map { "--network \($0.rawValue)" } ?? (layers == nil ? "--hidden" : "--layers")
    }

    /// The option a memory estimate dominated by the parameters blames.
    var sizeOption: String {
        network.map { "--network \($0.rawValue)" } ?? layers.map { "--layers \($0)" } ?? "--hidden \(hiddenSizes.map(String.init).joined(separator: " "))"
    }

    /// Whether the network normalizes batches, which data-parallel training does not support.
    func normalizesBatches(outputSize: Int) throws -> Bool {
        try specs(outputSize: outputSize).contains { if case .batchNorm = $0 { true } else { false } }
    }
}
