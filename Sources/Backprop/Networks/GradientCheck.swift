/// Compares backpropagation with the numerical gradient (book section 5.7.3): if the two
/// agree on a few samples, the backward passes of every layer are right.
///
/// The report is the mean absolute difference per parameter, the book's
/// `np.average(np.abs(grad_backprop[key] - grad_numerical[key]))`. In Double the differences
/// are around 1e-10; in Float the numerical gradient itself is only good to about 1e-3
/// (see ``MultiLayerNet/numericalGradient(_:targets:)``).
public struct GradientCheck: Sendable {
    /// The mean absolute difference between the two gradients of each parameter, in the
    /// network's parameter order (W1 b1 W2 b2 …).
    public let differences: [(name: String, meanAbsoluteDifference: Double)]

    /// Checks `network` on the batch (`inputs`, `targets`). The parameters are perturbed
    /// during the check and restored exactly afterwards.
    public init<Backend: KernelBackend>(network: MultiLayerNet<Backend>, inputs: Tensor<Backend.Scalar>,
                                        targets: Targets<Backend.Scalar>) {
        let numerical = network.numericalGradient(inputs, targets: targets)
        let backpropagated = network.gradient(inputs, targets: targets)
        differences = zip(backpropagated, numerical).map { backprop, numeric in
            precondition(backprop.name == numeric.name && backprop.tensor.shape == numeric.tensor.shape,
                         "GradientCheck: gradients \(backprop.name) and \(numeric.name) do not correspond")
            let count = max(backprop.tensor.count, 1)
            let total = zip(backprop.tensor.scalars, numeric.tensor.scalars).reduce(0.0) { sum, pair in
                sum + abs(Double(pair.0) - Double(pair.1))
            }
            return (backprop.name, total / Double(count))
        }
    }

    /// Checks `network` on the first `sampleCount` samples of `dataset`, converted to the
    /// backend's precision.
    public init<Backend: KernelBackend>(network: MultiLayerNet<Backend>, dataset: Dataset, sampleCount: Int = 3) {
        let samples = dataset.prefix(sampleCount)
        self.init(network: network, inputs: .converting(samples.inputs), targets: .labels(samples.labels))
    }

    /// The mean absolute difference of the parameter called `name`, if there is one.
    public subscript(name: String) -> Double? {
        differences.first { $0.name == name }?.meanAbsoluteDifference
    }

    /// The largest of the per-parameter differences (0 for a network without parameters).
    public var largestDifference: Double {
        differences.map(\.meanAbsoluteDifference).max() ?? 0
    }
}
