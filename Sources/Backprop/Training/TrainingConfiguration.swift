/// The settings of a minibatch training run (book section 4.5.2, `train_neuralnet.py`).
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    /// How long a run lasts and how its minibatches are drawn.
    public enum Length: Sendable, Equatable, Codable {
        /// The book's run: this many minibatch steps, each batch drawn uniformly *with
        /// replacement* (`np.random.choice`); an "epoch" is max(training set size / batch
        /// size, 1) steps and only marks when to evaluate.
        case iterations(Int)
        /// This many passes over the training set, each sample exactly once per pass, in
        /// `order`. A pass is ⌈training set size / batch size⌉ steps: when the size is not a
        /// multiple of the batch size, the pass ends with one smaller batch of the samples
        /// left over, so no sample is dropped.
        case epochs(Int, order: EpochOrder)
    }

    /// The order in which an epoch visits the training set.
    public enum EpochOrder: String, Sendable, Equatable, Codable, CaseIterable {
        /// A new seeded random permutation each epoch (sampling without replacement).
        case shuffled
        /// Rows 0, 1, 2, … in the order of the training set, every epoch alike (how the
        /// per-sample networks of other tutorials walk the data).
        case sequential
    }

    /// How long the run lasts and how it draws its minibatches.
    public var length: Length
    /// The number of samples per step (the book's `batch_size`, 100).
    public var batchSize: Int
    /// How many rows the per-epoch accuracy evaluation runs at once; bounds its memory. The
    /// default is MNIST's test set size, so the training set's 60,000 rows are six chunks of
    /// the same shape: the evaluation buffers never change size between the two sets.
    public var evaluationChunkSize: Int
    /// The seed of the generator that picks each minibatch (or shuffles each epoch).
    public var seed: UInt64
    /// Stop when the validation loss has not improved for a while and keep the best
    /// parameters; nil trains for the whole ``length``. Needs a validation set.
    public var earlyStopping: EarlyStopping?
    /// The weight decay λ (the book's `weight_decay_lambda`, section 6.4.2): every step adds
    /// ½·λ·ΣW² over the weights to its loss and λ·W to the weights' gradients before the
    /// optimizer runs, whatever the optimizer. Biases and batch normalization's γ and β are
    /// not decayed, as in the book. 0, the default, turns it off.
    public var weightDecay: Double = 0

    /// An iteration-mode configuration; the defaults are the book's (10,000 iterations of
    /// 100 samples drawn with replacement).
    public init(iterations: Int = 10_000, batchSize: Int = 100, evaluationChunkSize: Int = 10_000, seed: UInt64 = 0,
                earlyStopping: EarlyStopping? = nil) {
        precondition(iterations >= 0, "TrainingConfiguration: negative iteration count \(iterations)")
        self.init(length: .iterations(iterations), batchSize: batchSize, evaluationChunkSize: evaluationChunkSize,
                  seed: seed, earlyStopping: earlyStopping)
    }

    /// An epoch-mode configuration: `epochs` passes over the training set in `order`
    /// (shuffled without replacement by default).
    public init(epochs: Int, order: EpochOrder = .shuffled, batchSize: Int = 100, evaluationChunkSize: Int = 10_000,
                seed: UInt64 = 0, earlyStopping: EarlyStopping? = nil) {
        precondition(epochs >= 0, "TrainingConfiguration: negative epoch count \(epochs)")
        self.init(length: .epochs(epochs, order: order), batchSize: batchSize,
                  evaluationChunkSize: evaluationChunkSize, seed: seed, earlyStopping: earlyStopping)
    }

    private init(length: Length, batchSize: Int, evaluationChunkSize: Int, seed: UInt64, earlyStopping: EarlyStopping?) {
        precondition(batchSize > 0, "TrainingConfiguration: batch size must be positive, got \(batchSize)")
        precondition(evaluationChunkSize > 0, "TrainingConfiguration: chunk size must be positive, got \(evaluationChunkSize)")
        self.length = length
        self.batchSize = batchSize
        self.evaluationChunkSize = evaluationChunkSize
        self.seed = seed
        self.earlyStopping = earlyStopping
    }

    /// The number of steps of an iteration-mode run; nil in epoch mode, where it depends on
    /// the training set's size (see ``Trainer/totalIterations``).
    public var iterations: Int? {
        if case .iterations(let count) = length { return count }
        return nil
    }

    /// The number of passes of an epoch-mode run; nil in iteration mode.
    public var epochs: Int? {
        if case .epochs(let count, _) = length { return count }
        return nil
    }

    /// The number of iterations per epoch on a training set of `trainingSetSize` rows:
    /// max(size / batch size, 1) in iteration mode (the book's), ⌈size / batch size⌉ in epoch
    /// mode (every sample once).
    public func iterationsPerEpoch(trainingSetSize: Int) -> Int {
        switch length {
        case .iterations: max(trainingSetSize / batchSize, 1)
        case .epochs: trainingSetSize / batchSize + (trainingSetSize % batchSize == 0 ? 0 : 1)
        }
    }

    /// The number of iterations the run asks for on a training set of `trainingSetSize` rows:
    /// its iteration count, or epochs times ``iterationsPerEpoch(trainingSetSize:)``; nil when
    /// that product does not fit in an `Int` (`--epochs 9223372036854775807`).
    public func totalIterations(trainingSetSize: Int) -> Int? {
        switch length {
        case .iterations(let count): return count
        case .epochs(let count, _):
            let (total, overflow) = count.multipliedReportingOverflow(by: iterationsPerEpoch(trainingSetSize: trainingSetSize))
            return overflow ? nil : total
        }
    }

    /// The number of evaluations a whole run makes: one per epoch, and in iteration mode one
    /// after the first iteration of each (so a partial last epoch is evaluated too); nil when
    /// ``totalIterations(trainingSetSize:)`` is.
    public func evaluationCount(trainingSetSize: Int) -> Int? {
        guard let total = totalIterations(trainingSetSize: trainingSetSize) else { return nil }
        let perEpoch = iterationsPerEpoch(trainingSetSize: trainingSetSize)
        switch length {
        case .iterations: return total / perEpoch + (total % perEpoch == 0 ? 0 : 1)
        case .epochs(let count, _): return count
        }
    }
}
