import Backprop
import Foundation

/// Whether a finished run's model may replace the file at `--save`: a model whose final
/// accuracy is no better than always answering the most common class learned nothing (usually
/// it diverged), and must not replace an existing model unless the user insists with `--force`.
/// A new file replaces nothing, so it is written whatever the accuracy (a one-iteration run is
/// at chance level too, and asked for).
enum RunVerdict {
    /// Throws when `accuracy`, measured on `set` (named `setName`), is at or below the set's
    /// chance level and `--save` would replace an existing file without `--force`.
    static func requireBetterThanChance(accuracy: Double, on set: Dataset, setName: String, save: URL?,
                                        force: Bool) throws {
        guard let save, !force, FileKind(of: save) != .missing, let chance = set.chanceAccuracy,
              accuracy <= chance else { return }
        throw CommandError(String(format: "final %@ accuracy %.4f is no better than always answering the most common "
                                  + "class (%.4f): %@ was kept as it was and nothing was written "
                                  + "(use --force to replace it anyway)", setName, accuracy, chance, save.path))
    }

    /// The regression's counterpart: throws when `r2`, measured on the set named `setName`,
    /// is at or below 0 (no better than always answering the mean) and `--save` would replace
    /// an existing file without `--force`.
    static func requireBetterThanMean(r2: Double, setName: String, save: URL?, force: Bool) throws {
        guard let save, !force, FileKind(of: save) != .missing, !(r2 > 0) else { return }
        throw CommandError(String(format: "final %@ R² %.4f is no better than always answering the mean (R² 0): "
                                  + "%@ was kept as it was and nothing was written (use --force to replace it anyway)",
                                  setName, r2, save.path))
    }
}
