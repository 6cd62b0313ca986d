import Backprop
import Foundation

/// Checks that the `split` loaded from `directory` can train or check a network: a valid IDX
/// file may hold no images, or images of 0 x 0 pixels, and a network needs at least one of
/// each (its initializer and the trainer stop the program otherwise).
func requireSamples(_ set: Dataset, split: MNIST.Split, in directory: URL) throws {
    guard set.count > 0 else {
        throw CommandError("\(directory.path): \(split.imagesFileName) holds no images")
    }
    guard set.featureCount > 0 else {
        throw CommandError("\(directory.path): \(split.imagesFileName) holds images of 0 pixels")
    }
}
