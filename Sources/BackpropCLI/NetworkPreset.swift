import ArgumentParser
import Backprop

/// The book's convolutional networks by name (`--network`): chapter 7's SimpleConvNet and
/// chapter 8's DeepConvNet, as layer lists.
enum NetworkPreset: String, ExpressibleByArgument, CaseIterable {
    /// ch07/simple_convnet.py: conv 30 5x5 → ReLU → max pool 2 → affine 100 → ReLU → affine,
    /// weights N(0, 0.01) (`--weight-std`), zero biases.
    case simpleConvnet = "simple-convnet"
    /// ch08/deep_convnet.py: six 3x3 convolutions (16, 16, 32, 32, 64, 64 filters, pads 1, 1, 1,
    /// 2, 1, 1) with ReLU, a max pool 2 after every second one, affine 50 → ReLU → dropout 0.5 →
    /// affine → dropout 0.5, He initialization from each layer's fan-in (the book's `pre_node_nums`).
    case deepConvnet = "deep-convnet"

    /// The layer list for `outputSize` classes.
    func specs(outputSize: Int) -> [LayerSpec] {
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
    var weightInitialization: WeightInitialization? {
        self == .deepConvnet ? .he : nil
    }
}

extension LayerSpec {
    /// Whether the item slides over images (a convolution or pooling), so the network that
    /// starts with it reads each sample as `[channels, height, width]`.
    var readsImages: Bool {
        switch self {
        case .convolution, .maxPool: true
        default: false
        }
    }

    /// One sample's shape for a network of `specs` on data of `features` values per sample:
    /// `[features]`, or, when the network starts with a convolution or pooling, one square
    /// grey-scale image `[1, side, side]` (MNIST's rows are 1x28x28 images in NCHW order).
    /// Throws naming `option` when the features are not a square image.
    static func inputShape(of specs: [LayerSpec], features: Int, option: String) throws -> [Int] {
        guard specs.first?.readsImages == true else { return [features] }
        let side = Int(Double(features).squareRoot().rounded())
        guard side * side == features else {
            throw CommandError("\(option): the network starts with \(specs[0]) but the data's \(features) values per sample "
                               + "are not a square grey-scale image")
        }
        return [1, side, side]
    }
}
