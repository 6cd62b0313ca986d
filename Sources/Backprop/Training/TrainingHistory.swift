/// What a training run measured: the loss of every iteration and an evaluation per epoch —
/// the data of the book's learning curves (figures 4-11 and 4-12).
public struct TrainingHistory: Sendable, Equatable, Codable {
    /// One evaluation, taken after the iteration that completes an epoch.
    public struct EpochRecord: Sendable, Equatable, Codable {
        /// The epoch number: 0 for the evaluation after the first iteration, as in the book.
        public var epoch: Int
        /// The number of iterations done when the evaluation was taken.
        public var iteration: Int
        /// The accuracy on the whole training set.
        public var trainAccuracy: Double
        /// The accuracy on the test set, if the trainer has one.
        public var testAccuracy: Double?
        /// The minibatch loss of the iteration just done.
        public var loss: Double
        /// Seconds since training started, evaluations included.
        public var elapsedSeconds: Double

        /// A record with the given measurements.
        public init(epoch: Int, iteration: Int, trainAccuracy: Double, testAccuracy: Double?,
                    loss: Double, elapsedSeconds: Double) {
            self.epoch = epoch
            self.iteration = iteration
            self.trainAccuracy = trainAccuracy
            self.testAccuracy = testAccuracy
            self.loss = loss
            self.elapsedSeconds = elapsedSeconds
        }
    }

    /// The minibatch loss of each iteration, in order (index 0 is the first iteration).
    public var losses: [Double] = []
    /// The per-epoch evaluations, in order.
    public var epochs: [EpochRecord] = []

    /// An empty history.
    public init() {}
}
