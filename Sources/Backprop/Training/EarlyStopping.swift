/// Early stopping on the validation loss: training ends once the loss measured at the
/// per-epoch evaluations has not improved for `patience` evaluations in a row, and the
/// network gets back the parameters of the evaluation with the lowest validation loss.
///
/// The trainer keeps a copy of the parameters at each new best (one copy of every tensor; the
/// next update then writes into fresh storage), and restores them with
/// ``MultiLayerNet/load(state:)`` when training ends — when patience runs out, when a
/// `stopAfter…` callback ends it, or when the configured length is reached, whichever comes first. Then
/// ``TrainingHistory/bestEpoch`` names the evaluation whose parameters the network holds.
public struct EarlyStopping: Sendable, Equatable, Codable {
    /// How many evaluations in a row may fail to improve on the best validation loss before
    /// training stops.
    public var patience: Int
    /// How much lower than the best a validation loss must be to count as an improvement (0:
    /// any decrease counts). A loss that is not finite never improves.
    public var minimumImprovement: Double

    /// Early stopping after `patience` evaluations (at least 1) without an improvement of more
    /// than `minimumImprovement` (at least 0).
    public init(patience: Int, minimumImprovement: Double = 0) {
        precondition(patience >= 1, "EarlyStopping: patience must be at least 1, got \(patience)")
        precondition(minimumImprovement >= 0, "EarlyStopping: the minimum improvement must be at least 0, got \(minimumImprovement)")
        self.patience = patience
        self.minimumImprovement = minimumImprovement
    }
}
