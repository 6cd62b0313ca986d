/// What a training run measured: the loss of every iteration and an evaluation per epoch —
/// the data of the book's learning curves (figures 4-11 and 4-12).
public struct TrainingHistory: Sendable, Equatable, Codable {
    /// One evaluation, taken after the iteration that completes an epoch.
    public struct EpochRecord: Sendable, Equatable, Codable {
        /// The epoch number: in iteration mode 0 for the evaluation after the first iteration,
        /// as in the book; in epoch mode the number of passes completed (1 after the first).
        public var epoch: Int
        /// The number of iterations done when the evaluation was taken.
        public var iteration: Int
        /// The accuracy on the whole training set.
        public var trainAccuracy: Double
        /// The accuracy on the test set, if the trainer has one.
        public var testAccuracy: Double?
        /// The training loss of the epoch: the mean of the minibatch losses of the iterations
        /// since the previous evaluation, this one's included (each measured before its update,
        /// weight decay's term included). One minibatch's loss is too noisy to compare epochs by;
        /// ``TrainingHistory/losses`` keeps every iteration's.
        public var loss: Double
        /// Seconds since training started, evaluations included.
        public var elapsedSeconds: Double
        /// The mean loss on the validation set, if the trainer has one.
        public var validationLoss: Double?
        /// The accuracy on the validation set, if the trainer has one.
        public var validationAccuracy: Double?
        /// The learning rate of the iteration just done (nil in records made before it was kept).
        public var learningRate: Double?
        /// A regression's metrics on the training set (its accuracies are then NaN).
        public var trainMetrics: RegressionMetrics?
        /// A regression's metrics on the test set, when there is one.
        public var testMetrics: RegressionMetrics?
        /// A regression's metrics on the validation set, when there is one.
        public var validationMetrics: RegressionMetrics?

        /// A record with the given measurements.
        public init(epoch: Int, iteration: Int, trainAccuracy: Double, testAccuracy: Double?,
                    loss: Double, elapsedSeconds: Double, validationLoss: Double? = nil,
                    validationAccuracy: Double? = nil, learningRate: Double? = nil) {
            self.epoch = epoch
            self.iteration = iteration
            self.trainAccuracy = trainAccuracy
            self.testAccuracy = testAccuracy
            self.loss = loss
            self.elapsedSeconds = elapsedSeconds
            self.validationLoss = validationLoss
            self.validationAccuracy = validationAccuracy
            self.learningRate = learningRate
        }
    }

    /// The minibatch loss of each iteration, in order (index 0 is the first iteration).
    public var losses: [Double] = []
    /// The per-epoch evaluations, in order.
    public var epochs: [EpochRecord] = []
    /// With early stopping, the epoch of the evaluation with the lowest validation loss, whose
    /// parameters the network holds after training; nil without early stopping (or when no
    /// validation loss was finite, and the network kept its last parameters).
    public var bestEpoch: Int?

    /// An empty history.
    public init() {}
}
