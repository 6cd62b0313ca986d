/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of an iteration was NaN or infinite, usually from a learning rate too large
    /// or from bad input (a NaN or infinite feature); continuing would only spread NaN
    /// through every weight. The parameters are left as they were before that iteration.
    /// `iteration` may equal the number of iterations run: the final parameters were checked
    /// after the last update (see ``Trainer/train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)``) and diverged.
    case nonFiniteLoss(iteration: Int, loss: Double)

    /// A sentence naming the iteration (0-based, like ``TrainingHistory/losses``).
    public var description: String {
        switch self {
        case .nonFiniteLoss(let iteration, let loss):
            return "the loss became \(loss) at iteration \(iteration); try a smaller learning rate"
        }
    }
}
