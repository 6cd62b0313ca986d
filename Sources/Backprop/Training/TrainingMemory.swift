/// An estimate, made before anything is allocated, of the memory a ``Trainer`` and its
/// ``MultiLayerNet`` take beyond the data sets: so that sizes that cannot fit (a hidden layer
/// of 200,000 units, a batch of a billion rows, a hundred billion iterations) are refused with
/// a sentence instead of ending in a failed allocation.
///
/// It counts, in `scalarSize`-byte elements: the parameters with their gradients and the
/// optimizer's per-parameter state; the buffers of one minibatch (each layer's output and
/// input gradient, the activations' outputs and gradients, the loss's probabilities, the
/// gathered batch); the buffers of one evaluation chunk; what the run keeps for every
/// iteration and every evaluation (the ``TrainingHistory``, and the learning curves made of
/// it); and the encoded model file when one is saved. It errs on the high side.
public struct TrainingMemory: Sendable, Equatable {
    /// Parameters, gradients and optimizer state, in bytes.
    public var parameterBytes: Double
    /// The buffers of one minibatch, in bytes.
    public var batchBytes: Double
    /// The buffers of one evaluation chunk, in bytes.
    public var evaluationBytes: Double
    /// What the run keeps per iteration and per evaluation, in bytes.
    public var historyBytes: Double
    /// The model file's bytes and the copy of the parameters they are encoded from (0 when
    /// nothing is saved).
    public var modelFileBytes: Double

    /// The bytes the history keeps per iteration: its loss (a `Double`), counted three times
    /// because a growing array briefly holds its old buffer beside one twice as large.
    public static let historyBytesPerIteration = 3.0 * Double(MemoryLayout<Double>.stride)
    /// The bytes the history keeps per evaluation, counted like ``historyBytesPerIteration``.
    public static let historyBytesPerEvaluation = 3.0 * Double(MemoryLayout<TrainingHistory.EpochRecord>.stride)
    /// The bytes writing the learning curves takes per iteration while it builds both files:
    /// the CSV's line (a `String` with its heap buffer), the joined text and its `Data`, and the
    /// chart's points before they are thinned (x and y as `Double`s, copied by each filter).
    public static let curvesBytesPerIteration = 256.0

    /// The estimate for a network of layer `sizes` (input, hidden…, output) trained in
    /// batches of `batchSize` rows and evaluated `evaluationRows` rows at a time, with an
    /// optimizer keeping `optimizerSlots` values per parameter (SGD 0, Momentum 1, Adam 2),
    /// for `iterations` steps with `evaluations` evaluations; `writesCurves` when the learning
    /// curves are written at the end, `savesModel` when the model is encoded to be saved.
    /// Computed in `Double`, so absurd sizes give a large number rather than an overflow.
    public init(sizes: [Int], batchSize: Int, evaluationRows: Int, optimizerSlots: Int, iterations: Int = 0,
                evaluations: Int = 0, writesCurves: Bool = false, savesModel: Bool = false, scalarSize: Int = 4) {
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
        historyBytes = Double(iterations) * (Self.historyBytesPerIteration + (writesCurves ? Self.curvesBytesPerIteration : 0))
            + Double(evaluations) * (Self.historyBytesPerEvaluation + (writesCurves ? Self.curvesBytesPerIteration : 0))
        // The file stores Float whatever the backend's scalar: its data, and the tensors it is
        // encoded from.
        modelFileBytes = savesModel ? 2 * parameters * Double(MemoryLayout<Float>.size) : 0
    }

    /// The whole estimate, in bytes.
    public var totalBytes: Double {
        parameterBytes + batchBytes + evaluationBytes + historyBytes + modelFileBytes
    }
}
