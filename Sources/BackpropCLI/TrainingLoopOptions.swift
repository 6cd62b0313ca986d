import ArgumentParser
import Backprop

extension TrainingConfiguration.EpochOrder: ExpressibleByArgument {}

/// How long `train` runs and how it is steered: iterations or epochs, the epoch order, a
/// learning-rate schedule, a validation set and early stopping. The defaults are the book's
/// run on MNIST (10,000 iterations drawn with replacement, a constant rate, no validation
/// set) and 100 epochs on a CSV file, whose few rows make the book's "epoch" of
/// size / batch iterations a single step.
struct TrainingLoopOptions: ParsableArguments {
    /// The book's `iters_num`.
    static let defaultIterations = 10_000
    /// The passes of a `--csv` run that names no length: on iris' 120 training rows, 400
    /// steps of 32, where a network of a few hidden units has long stopped improving.
    static let defaultCSVEpochs = 100

    @Option(help: ArgumentHelp("Minibatch iterations, each batch drawn with replacement (the book's; the default "
                               + "on MNIST, 10000).", valueName: "n"))
    var iterations: Int?

    @Option(help: ArgumentHelp("Passes over the training set instead of --iterations; each sample once per pass, "
                               + "a last smaller batch taking the rows left over (the default with --csv, 100).",
                               valueName: "n"))
    var epochs: Int?

    @Option(help: "Sample order of --epochs: shuffled (a new seeded permutation each epoch; the default) or sequential.")
    var order: TrainingConfiguration.EpochOrder?

    @Option(name: .customLong("lr-schedule"), help: ArgumentHelp(
        "Learning-rate schedule: constant, step:EVERY:FACTOR or cosine.",
        discussion: "step:5:0.5 halves the rate every 5 epochs (from the first step of epoch 5, counting from 0); "
            + "cosine falls from --learning-rate to 0 along half a cosine over all iterations. "
            + "Epochs are those of the evaluations (with --iterations, training set size / batch size iterations).",
        valueName: "schedule"), transform: ScheduleChoice.parse)
    var learningRateSchedule: ScheduleChoice = .constant

    @Option(name: .customLong("validation-fraction"), help: ArgumentHelp(
        "Hold out round(F·n) rows of the training set to measure a validation loss each epoch (see --validation-split).",
        valueName: "F"))
    var validationFraction: Double?

    @Option(name: .customLong("validation-split"), help: ArgumentHelp(
        "Which rows --validation-fraction holds out: shuffled (drawn with --seed, so a file sorted by class "
            + "validates on every class; the default) or last (the last rows, the same for every seed).",
        valueName: "rows"))
    var validationSplit: ValidationSplit?

    @Option(name: .customLong("early-stopping"), help: ArgumentHelp(
        "Stop after PATIENCE evaluations without a lower validation loss, keeping the best epoch's parameters "
            + "(needs --validation-fraction).", valueName: "patience"))
    var earlyStoppingPatience: Int?

    func validate() throws {
        if let iterations, iterations < 1 {
            throw ValidationError("--iterations must be at least 1, got \(iterations)")
        }
        if let epochs, epochs < 1 {
            throw ValidationError("--epochs must be at least 1, got \(epochs)")
        }
        if iterations != nil && epochs != nil {
            throw ValidationError("--iterations and --epochs are alternatives: give one of them")
        }
        if let order, epochs == nil {
            throw ValidationError("--order \(order.rawValue) needs --epochs: --iterations draws its minibatches with replacement")
        }
        if let validationFraction, !(validationFraction > 0 && validationFraction < 1) {
            throw ValidationError("--validation-fraction must be between 0 and 1 (exclusive), got \(validationFraction)")
        }
        if let validationSplit, validationFraction == nil {
            throw ValidationError("--validation-split \(validationSplit.rawValue) needs --validation-fraction")
        }
        if let earlyStoppingPatience {
            guard earlyStoppingPatience >= 1 else {
                throw ValidationError("--early-stopping needs a patience of at least 1, got \(earlyStoppingPatience)")
            }
            guard validationFraction != nil else {
                throw ValidationError("--early-stopping needs a validation set: add --validation-fraction")
            }
        }
    }

    /// These options with the length a run on `--csv` data gets when neither `--iterations`
    /// nor `--epochs` is given: ``defaultCSVEpochs`` epochs (one table row each) rather than
    /// 10,000 iterations, which on a small table are thousands of "epochs". MNIST keeps the
    /// book's run.
    func fittingData(csv: Bool) -> TrainingLoopOptions {
        guard csv && iterations == nil && epochs == nil else { return self }
        var options = self
        options.epochs = Self.defaultCSVEpochs
        return options
    }

    /// The run's configuration with the given batch size and seed.
    func configuration(batchSize: Int, seed: UInt64) -> TrainingConfiguration {
        let earlyStopping = earlyStoppingPatience.map { EarlyStopping(patience: $0) }
        if let epochs {
            return TrainingConfiguration(epochs: epochs, order: order ?? .shuffled, batchSize: batchSize, seed: seed,
                                         earlyStopping: earlyStopping)
        }
        return TrainingConfiguration(iterations: iterations ?? Self.defaultIterations, batchSize: batchSize,
                                     seed: seed, earlyStopping: earlyStopping)
    }

    /// The option that sets the run's length as the user gave it, for messages:
    /// "--epochs 5", "--iterations 10000" (also when that is the default).
    var lengthOption: String {
        epochs.map { "--epochs \($0)" } ?? "--iterations \(iterations ?? Self.defaultIterations)"
    }

    /// The schedule for a run starting at `initialRate`; nil for a constant rate (the
    /// optimizer keeps its own).
    func schedule(initialRate: Double) -> LearningRateSchedule? {
        switch learningRateSchedule {
        case .constant: nil
        case .step(let every, let factor): .stepDecay(initialRate: initialRate, every: every, factor: factor)
        case .cosine: .cosine(initialRate: initialRate)
        }
    }

    /// `trainingSet` without the validation rows, and the validation set (nil without
    /// `--validation-fraction`): rows drawn with `seed`, or the last ones with
    /// `--validation-split last`. Refuses a fraction that leaves either part empty.
    func splitValidation(_ trainingSet: Dataset, seed: UInt64) throws -> (training: Dataset, validation: Dataset?) {
        guard let validationFraction else { return (trainingSet, nil) }
        let held = Dataset.validationCount(fraction: validationFraction, of: trainingSet.count)
        guard held >= 1 && held < trainingSet.count else {
            throw CommandError("--validation-fraction \(validationFraction) holds out \(held) of the "
                               + "\(trainingSet.count) training images; each part needs at least one")
        }
        switch validationSplit ?? .shuffled {
        case .shuffled: return trainingSet.holdingOutValidation(fraction: validationFraction, seed: seed)
        case .last: return trainingSet.holdingOutValidation(fraction: validationFraction)
        }
    }

    /// The summary's fields for the final validation measurement and the epoch early stopping
    /// kept; none for a run without a validation set.
    static func jsonFields(validation: (loss: Double, accuracy: Double)?, bestEpoch: Int?) -> [String: Any] {
        var fields: [String: Any] = [:]
        if let validation {
            fields["validation_loss"] = validation.loss
            fields["validation_accuracy"] = validation.accuracy
        }
        if let bestEpoch { fields["best_epoch"] = bestEpoch }
        return fields
    }

    /// The run's length for its header line, e.g. "10000 iterations (600 per epoch)" or
    /// "5 epochs shuffled (600 iterations each)", with the schedule, validation and early stopping.
    func summary(iterationsPerEpoch: Int, validationCount: Int?) -> String {
        var text = epochs.map { "\($0) epoch\($0 == 1 ? "" : "s") \((order ?? .shuffled).rawValue) (\(iterationsPerEpoch) iterations each)" }
            ?? "\(iterations ?? Self.defaultIterations) iterations (\(iterationsPerEpoch) per epoch)"
        if learningRateSchedule != .constant { text += ", lr schedule \(learningRateSchedule)" }
        if let validationCount {
            let which = validationSplit == .last ? "the last \(validationCount)" : "\(validationCount) seeded"
            text += ", \(which) training samples held out for validation"
        }
        if let earlyStoppingPatience { text += ", early stopping patience \(earlyStoppingPatience)" }
        return text
    }
}

/// `--validation-split`: which training rows `--validation-fraction` holds out.
enum ValidationSplit: String, ExpressibleByArgument, CaseIterable {
    /// Rows drawn with the run's seed (the first of a seeded permutation).
    case shuffled
    /// The last rows, the same for every seed (before the seeded default, the only split).
    case last
}

/// `--lr-schedule`: constant, step:EVERY:FACTOR (EVERY ≥ 1 epochs, FACTOR a positive number) or cosine.
enum ScheduleChoice: Equatable, CustomStringConvertible {
    case constant
    case step(every: Int, factor: Double)
    case cosine

    /// The schedule `argument` names, or an error saying what the forms are.
    static func parse(_ argument: String) throws -> Self {
        switch argument {
        case "constant": return .constant
        case "cosine": return .cosine
        default:
            let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "step", let every = Int(parts[1]), every >= 1,
                  let factor = Double(parts[2]), factor > 0, factor.isFinite else {
                throw ValidationError("expected constant, cosine or step:EVERY:FACTOR "
                                      + "(EVERY a whole number of epochs >= 1, FACTOR a positive number)")
            }
            return .step(every: every, factor: factor)
        }
    }

    var description: String {
        switch self {
        case .constant: "constant"
        case .step(let every, let factor): "step:\(every):\(factor)"
        case .cosine: "cosine"
        }
    }
}
