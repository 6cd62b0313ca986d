import ArgumentParser
import Backprop

/// `--network simple-convnet` and `--network deep-convnet` name the library's presets directly
/// (their raw values).
extension NetworkPreset: ExpressibleByArgument {}

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
