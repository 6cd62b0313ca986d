/// The book's convolutional networks by name: chapter 7's SimpleConvNet and chapter 8's
/// DeepConvNet, as layer lists.
///
/// In the library rather than the command line so that everything that builds "the book's
/// network" (`backprop train --network`, gradient checks, `kernel-bench --convnet`) builds
/// the same one from one definition.
public enum NetworkPreset: String, Sendable, CaseIterable {
    /// ch07/simple_convnet.py: conv 30 5x5 → ReLU → max pool 2 → affine 100 → ReLU → affine,
    /// weights N(0, 0.01) (`--weight-std`), zero biases.
    case simpleConvnet = "simple-convnet"
    /// ch08/deep_convnet.py: six 3x3 convolutions (16, 16, 32, 32, 64, 64 filters, pads 1, 1, 1,
    /// 2, 1, 1) with ReLU, a max pool 2 after every second one, affine 50 → ReLU → dropout 0.5 →
    /// affine → dropout 0.5, He initialization from each layer's fan-in (the book's `pre_node_nums`).
    case deepConvnet = "deep-convnet"

    /// The layer list for `outputSize` classes.
    public func specs(outputSize: Int) -> [LayerSpec] {
        switch self {
        case .simpleConvnet:
            return [.convolution(filters: 30, kernel: 5), .activation(.relu), .maxPool(size: 2, stride: 2),
                    .affine(units: 100), .activation(.relu), .affine(units: outputSize)]
        case .deepConvnet:
            var specs: [LayerSpec] = []
            for (index, (filters, pad)) in [(16, 1), (16, 1), (32, 1), (32, 2), (64, 1), (64, 1)].enumerated() {
                specs += [.convolution(filters: filters, kernel: 3, stride: 1, pad: pad), .activation(.relu)]
                if index % 2 == 1 { specs.append(.maxPool(size: 2, stride: 2)) }
            }
            return specs + [.affine(units: 50), .activation(.relu), .dropout(ratio: 0.5),
                            .affine(units: outputSize), .dropout(ratio: 0.5)]
        }
    }

    /// The book's initialization when the command line names none: DeepConvNet's He; nil for
    /// SimpleConvNet, whose 0.01 is `--weight-std`'s default.
    public var weightInitialization: WeightInitialization? {
        self == .deepConvnet ? .he : nil
    }
}
