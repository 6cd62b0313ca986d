import Foundation

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of an iteration was NaN or infinite, usually from a learning rate too large
    /// or from bad input (a NaN or infinite feature); continuing would only spread NaN
    /// through every weight. The parameters are left as they were before that iteration.
    /// `iteration` may equal the number of iterations run: the final parameters were checked
    /// after the last update (see ``Trainer/train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)``) and diverged.
    case nonFiniteLoss(iteration: Int, loss: Double)
    /// The loss stayed far above where it started (see ``DivergenceMonitor``) up to
    /// `iteration`, where it was `loss`: the run diverged without overflowing, and its
    /// parameters now predict no better than chance.
    case runawayLoss(iteration: Int, loss: Double, initialLoss: Double)

    /// A sentence naming the iteration (0-based, like ``TrainingHistory/losses``).
    public var description: String {
        switch self {
        case .nonFiniteLoss(let iteration, let loss) where iteration == 0:
            return "the loss became \(loss) at iteration 0, before any update: the initial weights or the input data "
                + "are too large"
        case .nonFiniteLoss(let iteration, let loss):
            return "the loss became \(loss) at iteration \(iteration); try a smaller learning rate"
        case .runawayLoss(let iteration, let loss, let initialLoss):
            let shown = String(format: "%.3g", loss), initial = String(format: "%.3g", initialLoss)
            return "the loss ran away: \(shown) at iteration \(iteration), far above the initial \(initial) "
                + "for \(DivergenceMonitor().patience) iterations in a row; try a smaller learning rate"
        }
    }
}

extension TrainingError {
    /// True when the loss was already non-finite before the first update: the initial weights
    /// or the data, not the learning rate, are at fault.
    public var isBeforeAnyUpdate: Bool {
        if case .nonFiniteLoss(0, _) = self { return true }
        return false
    }

    /// The loss the run stopped at.
    public var loss: Double {
        switch self {
        case .nonFiniteLoss(_, let loss), .runawayLoss(_, let loss, _): return loss
        }
    }
}
