import ArgumentParser
import Backprop
import Foundation

extension BookExperiment: ExpressibleByArgument {}

/// `backprop experiment NAME`: one of the book's chapter 6 scripts (`ch06/*.py`) with its
/// settings, printing what the script prints (shortened), its figure with `--svg`, its
/// outcome as JSON lines with `--json`.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run one of the book's chapter 6 experiments (optimizers, initial weights, batch normalization, "
            + "weight decay, dropout).",
        discussion: """
            optimizers       SGD, Momentum, AdaGrad, Adam on MNIST, 2000 iterations (optimizer_compare_mnist.py)
            weight-init      std 0.01, Xavier, He initial weights, 2000 iterations (weight_init_compare.py)
            batch-norm       16 weight scales with and without batch normalization, 20 epochs (batch_norm_test.py)
            weight-decay     300 training images with and without weight decay 0.1, 201 epochs (overfit_weight_decay.py)
            dropout          300 training images with and without dropout 0.2, 301 epochs (overfit_dropout.py)
            optimizer-paths  four optimizers on f(x, y) = x²/20 + y² from (-7, 2), 30 steps (optimizer_compare_naive.py)
            """)

    @Argument(help: ArgumentHelp("The experiment: " + BookExperiment.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                                 valueName: "name"))
    var name: BookExperiment

    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("Write the experiment's figure as NAME.svg into this directory.", valueName: "dir"))
    var svg: String?

    @Flag(help: ArgumentHelp("Stdout carries only JSON lines, one per setting (per setting and weight scale for "
                             + "batch-norm); the progress goes to stderr."))
    var json = false

    @Option(help: "Seed of the initial weights, the minibatches and the dropout masks (optimizer-paths draws nothing).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Minibatch steps instead of the book's 2000 (optimizers, weight-init), for a shorter run.",
                               valueName: "n"))
    var iterations: Int?

    @Option(help: ArgumentHelp("Epochs instead of the book's (batch-norm 20, weight-decay 201, dropout 301).",
                               valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Weight scales logspace(0, -4, N) instead of the book's 16 (batch-norm).",
                               valueName: "n"))
    var scales: Int?

    func validate() throws {
        for (option, value, applies) in [
            ("--iterations", iterations, [BookExperiment.optimizers, .weightInit]),
            ("--epochs", epochs, [.batchNorm, .weightDecay, .dropout]),
            ("--scales", scales, [.batchNorm]),
        ] {
            guard let value else { continue }
            guard applies.contains(name) else {
                throw ValidationError("\(option) applies to \(applies.map(\.rawValue).joined(separator: ", ")), not to \(name.rawValue)")
            }
            guard value > 0 else { throw ValidationError("\(option) must be a positive whole number, got \(value)") }
        }
        if dataOptions.data != nil && !name.needsData {
            throw ValidationError("--data: \(name.rawValue) uses no data")
        }
    }

    func run() throws {
        let figure = try svg.map { directory in
            try validatedOutputDirectory(directory, option: "--svg").appendingPathComponent("\(name.rawValue).svg")
        }
        if let figure {
            do {
                try OutputSet.checkWritable(figure)
            } catch {
                throw CommandError("\(error) (checked before the experiment; nothing was written)")
            }
        }
        let report = TrainingReport(json: json)
        report.text("\(name.rawValue): the book's \(name.script), seed \(seed)")
        let start = ContinuousClock.now
        let (records, drawing) = try runExperiment(report: report.text)
        for record in records {
            try report.summary(["experiment": name.rawValue].merging(record) { first, _ in first })
        }
        report.text(String(format: "took %.1f s", (ContinuousClock.now - start).seconds))
        if let figure, let drawing {
            var set = OutputSet()
            set.add(Data(drawing.utf8), at: figure)
            do {
                try set.write()
            } catch {
                throw CommandError("\(error); nothing was written")
            }
            report.text("wrote \(figure.path)")
        }
    }

    /// Runs the experiment; returns its JSON records (without the experiment's name) and its
    /// figure (drawn only when asked for). Prints the summary lines as it goes.
    private func runExperiment(report: (String) -> Void) throws -> ([[String: Any]], String?) {
        let drawing = svg != nil
        switch name {
        case .optimizers, .weightInit:
            let (train, _) = try loadMNIST()
            let outcome: LossComparison
            if name == .optimizers {
                var experiment = OptimizerComparison()
                if let iterations { experiment.iterations = iterations }
                outcome = experiment.run(trainingSet: train, seed: seed, report: report)
            } else {
                var experiment = WeightInitComparison()
                if let iterations { experiment.iterations = iterations }
                outcome = experiment.run(trainingSet: train, seed: seed, report: report)
            }
            for curve in outcome.curves {
                report("\(curve.label): final loss \(String(format: "%.4f", curve.finalLoss)) "
                       + "(mean of the last \(min(outcome.finalWindow, curve.losses.count)) iterations)"
                       + skipped(curve.skippedSteps))
            }
            return (outcome.curves.map { ["setting": $0.setting, "final_loss": number($0.finalLoss)] },
                    drawing ? outcome.svg() : nil)
        case .batchNorm:
            let (train, _) = try loadMNIST()
            var experiment = BatchNormComparison()
            if let epochs { experiment.epochs = epochs }
            if let scales { experiment.weightScales = BatchNormComparison.logspace(from: 0, to: -4, count: scales) }
            let outcome = experiment.run(trainingSet: train, seed: seed, report: report)
            let ahead = outcome.runs.filter { ($0.batchNorm.last ?? 0) > ($0.plain.last ?? 0) }.count
            report("batch normalization ahead at \(ahead) of \(outcome.runs.count) scales"
                   + skipped(outcome.runs.map { $0.skippedPlainSteps + $0.skippedBatchNormSteps }.reduce(0, +)))
            let records: [[String: Any]] = outcome.runs.flatMap { run in
                [("plain", run.plain), ("batchnorm", run.batchNorm)].map { setting, accuracies in
                    ["weight_scale": run.weightScale, "setting": setting, "train_accuracy": number(accuracies.last ?? .nan)]
                }
            }
            return (records, drawing ? outcome.svg() : nil)
        case .weightDecay, .dropout:
            let (train, test) = try loadMNIST()
            var experiment = name == .weightDecay ? OverfittingComparison.weightDecay : .dropout
            if let epochs { experiment.epochs = epochs }
            let outcome = experiment.run(trainingSet: train, testSet: test, seed: seed, report: report)
            for run in outcome.runs {
                report("\(run.label): train \(String(format: "%.4f", run.trainAccuracies.last ?? .nan)), "
                       + "test \(String(format: "%.4f", run.testAccuracies.last ?? .nan)), "
                       + "gap \(String(format: "%.4f", run.finalGap))" + skipped(run.skippedSteps))
            }
            return (outcome.runs.map { run in
                ["setting": run.setting, "train_accuracy": number(run.trainAccuracies.last ?? .nan),
                 "test_accuracy": number(run.testAccuracies.last ?? .nan)]
            }, drawing ? outcome.svg() : nil)
        case .optimizerPaths:
            let paths = OptimizerPaths().run()
            for path in paths {
                let last = path.points.last ?? OptimizerPaths.Point(x: .nan, y: .nan)
                report("\(path.label): \(path.points.count) points, ends at "
                       + String(format: "(%.4f, %.4f)", last.x, last.y) + String(format: ", length %.3f", path.length))
            }
            return (paths.map { path in
                ["setting": path.setting, "points": path.points.map { [number($0.x), number($0.y)] }]
            }, drawing ? OptimizerPaths.svg(of: paths) : nil)
        }
    }

    /// MNIST from `--data` (or the default search), checked to hold samples.
    private func loadMNIST() throws -> (train: Dataset, test: Dataset) {
        let directory = try dataOptions.directory()
        let (train, test) = try MNIST.load(from: directory)
        try requireSamples(train, split: .train, in: directory)
        try requireSamples(test, split: .test, in: directory)
        return (train, test)
    }

    /// A JSON value for `value`: the number, or "NaN"/"Infinity" (as `train --json` writes
    /// them), which JSON has no number for.
    private func number(_ value: Double) -> Any {
        value.isFinite ? value : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
    }

    /// ", N steps skipped (loss not finite)" when there were any.
    private func skipped(_ count: Int) -> String {
        count == 0 ? "" : ", \(count) steps skipped (loss not finite)"
    }
}
