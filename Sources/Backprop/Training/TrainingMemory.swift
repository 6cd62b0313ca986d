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

    /// The estimate for a fully connected network of layer `sizes` (input, hidden…, output)
    /// trained in batches of `batchSize` rows and evaluated `evaluationRows` rows at a time,
    /// with an optimizer keeping `optimizerSlots` values per parameter (SGD 0, Momentum 1,
    /// Adam 2), for `iterations` steps with `evaluations` evaluations; `writesCurves` when the
    /// learning curves are written at the end, `savesModel` when the model is encoded to be
    /// saved. Computed in `Double`, so absurd sizes give a large number rather than an overflow.
    public init(sizes: [Int], batchSize: Int, evaluationRows: Int, optimizerSlots: Int, iterations: Int = 0,
                evaluations: Int = 0, writesCurves: Bool = false, savesModel: Bool = false, scalarSize: Int = 4) {
        precondition(sizes.count >= 2, "TrainingMemory: need at least input and output sizes, got \(sizes)")
        // Every affine layer but the last followed by an activation (two buffers, like the
        // softmax that closes the network): which activation does not change the count.
        let specs = sizes.dropFirst().dropLast().flatMap { [LayerSpec.affine(units: $0), .activation(.relu)] }
            + [.affine(units: sizes[sizes.count - 1])]
        self.init(inputShape: [sizes[0]], layers: specs, batchSize: batchSize, evaluationRows: evaluationRows,
                  optimizerSlots: optimizerSlots, iterations: iterations, evaluations: evaluations,
                  writesCurves: writesCurves, savesModel: savesModel, scalarSize: scalarSize)
    }

    /// The estimate for the network of layer list `specs` taking samples of `inputShape`,
    /// with the other arguments as in ``init(sizes:batchSize:evaluationRows:optimizerSlots:iterations:evaluations:writesCurves:savesModel:scalarSize:)``
    /// and `threads`, the most threads a kernel runs on.
    ///
    /// Per sample of a batch it counts each layer's output and input gradient, the
    /// activations', dropout's and batch normalization's kept buffers, max pooling's argmax
    /// (counted as one element) and the loss's probabilities and gradient; per batch, each
    /// convolution's im2col columns (C·FH·FW·OH·OW elements per thread, forward and backward)
    /// and its weight gradient's partial sums (one set of weights per group of 4 images). The
    /// walk stops at a layer that cannot take its input: building the network refuses it.
    public init(inputShape: [Int], layers specs: [LayerSpec], batchSize: Int, evaluationRows: Int, optimizerSlots: Int,
                iterations: Int = 0, evaluations: Int = 0, writesCurves: Bool = false, savesModel: Bool = false,
                threads: Int = 1, scalarSize: Int = 4) {
        let scalar = Double(scalarSize)
        var shape = inputShape.map(Double.init)
        var parameters = 0.0
        // Per sample: the gathered batch's row first.
        var batchElements = shape.reduce(1, *), evaluationElements = 0.0
        // Per batch, whatever its rows.
        var batchScratch = 0.0
        walk: for spec in specs {
            let inputs = shape.reduce(1, *)
            switch spec {
            case .affine(let units):
                let outputs = Double(units)
                parameters += inputs * outputs + outputs
                batchElements += outputs + inputs
                evaluationElements += outputs
                shape = [outputs]
            case .activation:
                batchElements += 2 * inputs
                evaluationElements += inputs
            case .batchNorm:
                // γ and β train; the running mean and variance ride along (counted high, as parameters).
                parameters += 4 * inputs
                batchElements += 4 * inputs
                evaluationElements += inputs
            case .dropout:
                batchElements += 3 * inputs
                evaluationElements += inputs
            case .convolution(let filters, let kernel, let stride, let pad):
                guard shape.count == 3, let (height, width) = Self.outputSize(shape, window: kernel, stride: stride, pad: pad)
                else { break walk }
                let weights = Double(filters) * shape[0] * Double(kernel * kernel)
                let outputs = Double(filters) * height * width
                parameters += weights + Double(filters)
                batchElements += outputs + inputs
                evaluationElements += outputs
                let columns = shape[0] * Double(kernel * kernel) * height * width
                batchScratch += 2 * Double(max(threads, 1)) * columns
                    + (Double(batchSize) / 4).rounded(.up) * weights
                shape = [Double(filters), height, width]
            case .maxPool(let size, let stride, let pad):
                guard shape.count == 3, let (height, width) = Self.outputSize(shape, window: size, stride: stride, pad: pad)
                else { break walk }
                let outputs = shape[0] * height * width
                batchElements += 2 * outputs + inputs
                evaluationElements += 2 * outputs
                shape = [shape[0], height, width]
            }
        }
        // The loss: probabilities and their gradient (evaluation: the probabilities).
        let outputs = shape.reduce(1, *)
        batchElements += 2 * outputs
        evaluationElements += outputs
        parameterBytes = parameters * Double(2 + optimizerSlots) * scalar
        batchBytes = (Double(batchSize) * batchElements + batchScratch) * scalar
        evaluationBytes = Double(evaluationRows) * evaluationElements * scalar
        historyBytes = Double(iterations) * (Self.historyBytesPerIteration + (writesCurves ? Self.curvesBytesPerIteration : 0))
            + Double(evaluations) * (Self.historyBytesPerEvaluation + (writesCurves ? Self.curvesBytesPerIteration : 0))
        // The file stores Float whatever the backend's scalar: its data, and the tensors it is
        // encoded from.
        modelFileBytes = savesModel ? 2 * parameters * Double(MemoryLayout<Float>.size) : 0
    }

    /// The output planes' height and width of a sliding window over `shape` ([C, H, W]), or
    /// nil when the window does not fit (the kernels' formula, rounding down).
    private static func outputSize(_ shape: [Double], window: Int, stride: Int, pad: Int) -> (Double, Double)? {
        guard stride > 0 else { return nil }
        let height = ((shape[1] + 2 * Double(pad) - Double(window)) / Double(stride)).rounded(.down) + 1
        let width = ((shape[2] + 2 * Double(pad) - Double(window)) / Double(stride)).rounded(.down) + 1
        return height >= 1 && width >= 1 ? (height, width) : nil
    }

    /// The whole estimate, in bytes.
    public var totalBytes: Double {
        parameterBytes + batchBytes + evaluationBytes + historyBytes + modelFileBytes
    }
}
