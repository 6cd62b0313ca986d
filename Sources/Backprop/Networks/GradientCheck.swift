/// Compares backpropagation with the numerical gradient (book section 5.7.3): if the two
/// agree on a few samples, the backward passes of every layer are right.
///
/// The report is the mean absolute difference per parameter, the book's
/// `np.average(np.abs(grad_backprop[key] - grad_numerical[key]))`. In Double the differences
/// are around 1e-10; in Float the numerical gradient itself is only good to about 1e-3
/// (see ``MultiLayerNet/numericalGradient(_:targets:)``).
///
/// A correct network must never look wrong, so elements whose central difference spans a
/// kink (a ReLU input that changes sign between the two perturbed passes, which happens with
/// small weights whose pre-activations sit within the step of 0) are left out of the mean and
/// counted in ``kinkCrossings``: there the difference quotient is no derivative. Both
/// gradients are taken on the same training-mode pass: dropout uses one fixed set of draws
/// and batch normalization its batch statistics (use at least 2 samples: on one sample its
/// output is exactly β and every gradient through it is 0).
public struct GradientCheck: Sendable {
    /// The mean absolute difference between the two gradients of each parameter, in the
    /// network's parameter order (W1 b1 W2 b2 …), over the elements that cross no kink.
    public let differences: [(name: String, meanAbsoluteDifference: Double)]
    /// For each parameter, how many of its elements were left out because a perturbation
    /// moved some ReLU input across 0.
    public let kinkCrossings: [(name: String, count: Int)]

    /// Checks `network` on the batch (`inputs`, `targets`). The parameters and buffers are
    /// perturbed during the check and restored exactly afterwards.
    public init<Backend: KernelBackend>(network: MultiLayerNet<Backend>, inputs: Tensor<Backend.Scalar>,
                                        targets: Targets<Backend.Scalar>) {
        let saved = network.state
        // Backpropagation first: its training pass draws the dropout masks that the numerical
        // gradient then holds fixed.
        let backpropagated = network.gradient(inputs, targets: targets).map { ($0.name, $0.tensor) }
        do {
            try network.load(state: saved)
        } catch {
            preconditionFailure("GradientCheck: the network no longer takes its own state: \(error)")
        }
        let numerical = network.numericalGradientReport(inputs, targets: targets)
        var differences: [(name: String, meanAbsoluteDifference: Double)] = []
        var crossings: [(name: String, count: Int)] = []
        for (backprop, numeric) in zip(backpropagated, numerical) {
            precondition(backprop.0 == numeric.name && backprop.1.shape == numeric.gradient.shape,
                         "GradientCheck: gradients \(backprop.0) and \(numeric.name) do not correspond")
            var total = 0.0, counted = 0
            for (i, crosses) in numeric.crossesKink.enumerated() where !crosses {
                total += abs(Double(backprop.1[flat: i]) - Double(numeric.gradient[flat: i]))
                counted += 1
            }
            differences.append((backprop.0, total / Double(max(counted, 1))))
            crossings.append((backprop.0, numeric.crossesKink.count - counted))
        }
        self.differences = differences
        self.kinkCrossings = crossings
    }

    /// Checks `network` on the first `sampleCount` samples of `dataset`, converted to the
    /// backend's precision (against their class labels, or a regression's values).
    public init<Backend: KernelBackend>(network: MultiLayerNet<Backend>, dataset: Dataset, sampleCount: Int = 3) {
        let samples = dataset.prefix(sampleCount)
        self.init(network: network, inputs: .converting(samples.inputs),
                  targets: samples.values.map { .values(.converting($0)) } ?? .labels(samples.labels))
    }

    /// The mean absolute difference of the parameter called `name`, if there is one.
    public subscript(name: String) -> Double? {
        differences.first { $0.name == name }?.meanAbsoluteDifference
    }

    /// The largest of the per-parameter differences (0 for a network without parameters).
    public var largestDifference: Double {
        differences.map(\.meanAbsoluteDifference).max() ?? 0
    }

    /// How many parameter elements in all were left out for crossing a kink.
    public var totalKinkCrossings: Int {
        kinkCrossings.reduce(0) { $0 + $1.count }
    }
}
