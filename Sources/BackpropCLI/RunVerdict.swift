import Backprop
import Foundation

/// Whether a finished run's model deserves to be saved: a model whose final accuracy is no
/// better than always answering the most common class learned nothing (usually it diverged),
/// and must not replace a good model unless the user insists with `--force`.
enum RunVerdict {
    /// Throws when `accuracy`, measured on `set` (named `setName`), is at or below the set's
    /// chance level and `--save` would write the model without `--force`.
    static func requireBetterThanChance(accuracy: Double, on set: Dataset, setName: String, save: URL?,
                                        force: Bool) throws {
        guard let save, !force, let chance = set.chanceAccuracy, accuracy <= chance else { return }
        throw CommandError(String(format: "final %@ accuracy %.4f is no better than always answering the most common "
                                  + "class (%.4f): %@ was not written, nothing was (use --force to save it anyway)",
                                  setName, accuracy, chance, save.path))
    }
}
