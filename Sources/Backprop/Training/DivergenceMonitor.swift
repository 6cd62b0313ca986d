/// Watches the minibatch losses of a run for divergence that stays finite: a learning rate
/// too large can drive the loss from 2.3 to 10^5 and the weights to chance-level predictions
/// without any value ever overflowing, so the check for NaN alone never fires.
///
/// The run is called runaway when `patience` consecutive losses exceed `factor` times the
/// first loss it saw (at least `factor` times 1, so that a run starting near zero loss may
/// still wobble). A healthy run of the book's network starts at ln 10 ≈ 2.3 and never comes
/// near 23, even in its noisiest minibatches; a run that stays there for 20 iterations is not
/// going to recover. ``Trainer/train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)`` stops such a run with
/// ``TrainingError/runawayLoss(iteration:loss:initialLoss:)``; callers driving
/// ``Trainer/step()`` themselves can feed their own monitor.
public struct DivergenceMonitor: Sendable, Equatable {
    /// How many times the initial loss counts as far above it.
    public let factor: Double
    /// How many consecutive losses above the threshold make a run runaway.
    public let patience: Int
    /// The first loss observed, once there is one.
    public private(set) var initialLoss: Double?
    /// The number of consecutive losses above the threshold so far.
    public private(set) var stretch = 0

    /// A monitor; the defaults (10 times, 20 iterations) suit cross-entropy losses.
    public init(factor: Double = 10, patience: Int = 20) {
        precondition(factor > 1 && factor.isFinite, "DivergenceMonitor: factor must be finite and above 1, got \(factor)")
        precondition(patience >= 1, "DivergenceMonitor: patience must be positive, got \(patience)")
        self.factor = factor
        self.patience = patience
    }

    /// The loss above which an iteration counts towards a runaway stretch (nil before the first loss).
    public var threshold: Double? {
        initialLoss.map { factor * max($0, 1) }
    }

    /// Records one iteration's loss; true when the run has now been runaway for `patience`
    /// iterations in a row.
    public mutating func observe(_ loss: Double) -> Bool {
        guard let threshold else {
            initialLoss = loss
            return false
        }
        stretch = loss > threshold ? stretch + 1 : 0
        return stretch >= patience
    }
}
