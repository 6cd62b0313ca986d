import Backprop
import Foundation

/// "test accuracy 0.9712", or, for a split without samples, "no test set" (for MNIST with the
/// file at fault: "(t10k-images-idx3-ubyte holds no images)"): an accuracy over no samples is
/// not 0, it does not exist.
func accuracyText(_ accuracy: Double?, of split: MNIST.Split, mnist: Bool = true) -> String {
    let name = split == .train ? "train" : "test"
    return accuracy.map { String(format: "%@ accuracy %.4f", name, $0) }
        ?? "no \(name) set" + (mnist ? " (\(split.imagesFileName) holds no images)" : "")
}

/// The accuracy of `network` on `set`, or nil when the set is empty.
func accuracy<Backend: KernelBackend>(of network: MultiLayerNet<Backend>, on set: Dataset) -> Double?
    where Backend.Scalar == Float
{
    set.count > 0 ? network.accuracy(set.inputs, labels: set.labels) : nil
}
