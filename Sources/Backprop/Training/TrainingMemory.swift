/// An estimate, made before anything is allocated, of the memory a ``Trainer`` and its
/// ``MultiLayerNet`` take beyond the data sets: so that sizes that cannot fit (a hidden layer
/// of 200,000 units, a batch of a billion rows) are refused with a sentence instead of ending
/// in a failed allocation.
///
/// It counts, in `scalarSize`-byte elements: the parameters with their gradients and the
/// optimizer's per-parameter state; the buffers of one minibatch (each layer's output and
/// input gradient, the activations' outputs and gradients, the loss's probabilities, the
/// gathered batch); and the buffers of one evaluation chunk. It errs on the high side.
public struct TrainingMemory: Sendable, Equatable {
    /// Parameters, gradients and optimizer state, in bytes.
    public var parameterBytes: Double
    /// The buffers of one minibatch, in bytes.
    public var batchBytes: Double
    /// The buffers of one evaluation chunk, in bytes.
    public var evaluationBytes: Double

    /// The estimate for a network of layer `sizes` (input, hidden…, output) trained in
    /// batches of `batchSize` rows and evaluated `evaluationRows` rows at a time, with an
    /// optimizer keeping `optimizerSlots` values per parameter (SGD 0, Momentum 1, Adam 2).
    /// Computed in `Double`, so absurd sizes give a large number rather than an overflow.
    public init(sizes: [Int], batchSize: Int, evaluationRows: Int, optimizerSlots: Int, scalarSize: Int = 4) {
        precondition(sizes.count >= 2, "TrainingMemory: need at least input and output sizes, got \(sizes)")
        let widths = sizes.map(Double.init)
        let scalar = Double(scalarSize)
        var parameters = 0.0, batchElements = widths[0], evaluationElements = 0.0
        for (inputs, outputs) in zip(widths, widths.dropFirst()) {
            parameters += inputs * outputs + outputs
            // Affine: output and input gradient; activation or softmax: output and gradient.
            batchElements += outputs + inputs + 2 * outputs
            evaluationElements += 2 * outputs
        }
        parameterBytes = parameters * Double(2 + optimizerSlots) * scalar
        batchBytes = Double(batchSize) * batchElements * scalar
        evaluationBytes = Double(evaluationRows) * evaluationElements * scalar
    }

    /// The whole estimate, in bytes.
    public var totalBytes: Double {
        parameterBytes + batchBytes + evaluationBytes
    }
}
