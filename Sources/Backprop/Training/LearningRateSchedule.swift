import RealModule

/// The learning rate as a function of how far training has come. A ``Trainer`` with a
/// schedule sets its optimizer's ``Optimizer/learningRate`` from it before every step, so the
/// rate an update uses is `rate(at:)` of that update's position.
///
/// ```swift
/// let halving = LearningRateSchedule.stepDecay(initialRate: 0.1, every: 5, factor: 0.5)
/// halving.rate(at: .init(iteration: 0, iterationsPerEpoch: 600, totalIterations: 6000))    // 0.1
/// halving.rate(at: .init(iteration: 3000, iterationsPerEpoch: 600, totalIterations: 6000)) // 0.05
/// ```
public struct LearningRateSchedule: Sendable {
    /// Where a step stands in the run.
    public struct Position: Sendable, Equatable {
        /// The step's index, from 0.
        public var iteration: Int
        /// The steps one epoch takes (see ``Trainer/iterationsPerEpoch``).
        public var iterationsPerEpoch: Int
        /// The steps the whole run is configured for (see ``Trainer/totalIterations``).
        public var totalIterations: Int

        /// The position of step `iteration` in a run of `totalIterations` steps, `iterationsPerEpoch` per epoch.
        public init(iteration: Int, iterationsPerEpoch: Int, totalIterations: Int) {
            precondition(iterationsPerEpoch > 0, "LearningRateSchedule.Position: iterations per epoch must be positive")
            self.iteration = iteration
            self.iterationsPerEpoch = iterationsPerEpoch
            self.totalIterations = totalIterations
        }

        /// The epoch the step belongs to, from 0: iteration / iterationsPerEpoch.
        public var epoch: Int { iteration / iterationsPerEpoch }
    }

    private let rateAt: @Sendable (Position) -> Double

    /// A schedule computed by `rate` (any function of the position, for example of
    /// `position.epoch`).
    public init(_ rate: @escaping @Sendable (_ position: Position) -> Double) {
        rateAt = rate
    }

    /// The learning rate of the step at `position`.
    public func rate(at position: Position) -> Double {
        rateAt(position)
    }

    /// The same rate for every step.
    public static func constant(_ rate: Double) -> Self {
        Self { _ in rate }
    }

    /// Step decay: `initialRate · factor^⌊epoch / every⌋` — the rate is multiplied by `factor`
    /// at the start of epochs `every`, `2·every`, … (epochs counted from 0).
    public static func stepDecay(initialRate: Double, every epochs: Int, factor: Double) -> Self {
        precondition(epochs >= 1, "LearningRateSchedule.stepDecay: the period must be at least one epoch, got \(epochs)")
        return Self { position in initialRate * Double.pow(factor, position.epoch / epochs) }
    }

    /// Cosine annealing per step: `minimumRate + (initialRate − minimumRate) · (1 + cos(π · t / T)) / 2`
    /// for step t of T (``Position/totalIterations``): `initialRate` at the first step, falling
    /// smoothly to just above `minimumRate` at the last.
    public static func cosine(initialRate: Double, minimumRate: Double = 0) -> Self {
        Self { position in
            let progress = Double(position.iteration) / Double(max(position.totalIterations, 1))
            return minimumRate + (initialRate - minimumRate) * (1 + Double.cos(.pi * progress)) / 2
        }
    }
}
