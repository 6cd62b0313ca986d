/// The settings of a minibatch training run (book section 4.5.2, `train_neuralnet.py`).
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    /// The number of minibatch steps (the book's `iters_num`, 10000).
    public var iterations: Int
    /// The number of samples per step (the book's `batch_size`, 100).
    public var batchSize: Int
    /// How many rows the per-epoch accuracy evaluation runs at once; bounds its memory. The
    /// default is MNIST's test set size, so the training set's 60,000 rows are six chunks of
    /// the same shape: the evaluation buffers never change size between the two sets.
    public var evaluationChunkSize: Int
    /// The seed of the generator that picks each minibatch.
    public var seed: UInt64

    /// A configuration; the defaults are the book's.
    public init(iterations: Int = 10_000, batchSize: Int = 100, evaluationChunkSize: Int = 10_000, seed: UInt64 = 0) {
        precondition(iterations >= 0, "TrainingConfiguration: negative iteration count \(iterations)")
        precondition(batchSize > 0, "TrainingConfiguration: batch size must be positive, got \(batchSize)")
        precondition(evaluationChunkSize > 0, "TrainingConfiguration: chunk size must be positive, got \(evaluationChunkSize)")
        self.iterations = iterations
        self.batchSize = batchSize
        self.evaluationChunkSize = evaluationChunkSize
        self.seed = seed
    }
}
