import Foundation

/// The book's overfitting experiments, `ch06/overfit_weight_decay.py` (figure 6-21) and
/// `ch06/overfit_dropout.py` (figure 6-23): a seven-layer ReLU network trained on only the
/// first 300 MNIST training images, where the training accuracy reaches 100% and the test
/// accuracy stays far below; a regularization (weight decay, dropout) narrows that gap.
///
/// The book runs each script once with and once without its regularization; here both runs
/// are one experiment, from the same initial weights on the same minibatches. The defaults
/// (``weightDecay`` and ``dropout``) are the book's: 784-(100×6)-10 with He weights, SGD 0.01,
/// batch 100 drawn with replacement, an epoch of 3 steps, the accuracies measured after steps
/// 0, 3, 6, …; weight decay λ = 0.1 for 201 epochs, the book's dropout of 0.2 after every
/// hidden activation for 301 epochs. (`common/trainer.py`, which the dropout script uses, runs
/// 2 more steps after the last measurement; they change nothing that is measured.)
public struct OverfittingComparison: Sendable, Equatable {
    /// What the regularized run adds to the plain one.
    public enum Regularization: Sendable, Equatable {
        /// Weight decay of strength λ (``TrainingConfiguration/weightDecay``).
        case weightDecay(lambda: Double)
        /// The book's dropout (``LayerSpec/DropoutStyle/book``) of this ratio after every
        /// hidden activation.
        case dropout(ratio: Double)

        /// The regularized run's name in JSON lines: `weight-decay` or `dropout`.
        public var name: String {
            switch self {
            case .weightDecay: BookExperiment.weightDecay.rawValue
            case .dropout: BookExperiment.dropout.rawValue
            }
        }

        /// How the report and the figure describe it: "weight decay λ = 0.1", "dropout 0.2".
        public var label: String {
            switch self {
            case .weightDecay(let lambda): "weight decay λ = \(BookNumberFormat.string(lambda))"
            case .dropout(let ratio): "dropout \(BookNumberFormat.string(ratio))"
            }
        }
    }

    /// The regularization the second run adds.
    public var regularization: Regularization
    /// The hidden layers' widths.
    public var hiddenSizes: [Int]
    /// SGD's step size.
    public var learningRate: Double
    /// The samples per minibatch, drawn with replacement.
    public var batchSize: Int
    /// The number of accuracy measurements (the book's `max_epochs`, `epochs`).
    public var epochs: Int
    /// How many of the first training samples to train on (the book's `x_train[:300]`).
    public var trainingSize: Int

    /// A comparison with the book's network, data and optimizer.
    public init(regularization: Regularization, epochs: Int, hiddenSizes: [Int] = Array(repeating: 100, count: 6),
                learningRate: Double = 0.01, batchSize: Int = 100, trainingSize: Int = 300) {
        precondition(batchSize > 0 && epochs > 0 && trainingSize > 0,
                     "OverfittingComparison: batch \(batchSize), epochs \(epochs), training size \(trainingSize)")
        self.regularization = regularization
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.trainingSize = trainingSize
    }

    /// `overfit_weight_decay.py`: λ = 0.1, 201 epochs.
    public static let weightDecay = OverfittingComparison(regularization: .weightDecay(lambda: 0.1), epochs: 201)
    /// `overfit_dropout.py`: dropout 0.2, 301 epochs.
    public static let dropout = OverfittingComparison(regularization: .dropout(ratio: 0.2), epochs: 301)

    /// One run's accuracies.
    public struct Run: Sendable, Equatable, Codable {
        /// `plain`, or the regularization's name.
        public var setting: String
        /// "without regularization", or the regularization's label.
        public var label: String
        /// The accuracy on the (reduced) training set after each epoch.
        public var trainAccuracies: [Double]
        /// The accuracy on the test set after each epoch.
        public var testAccuracies: [Double]
        /// Steps skipped because their loss was not finite (0 in a healthy run).
        public var skippedSteps: Int

        /// The last training accuracy minus the last test accuracy: how much the network
        /// fits its 300 images better than unseen ones.
        public var finalGap: Double { (trainAccuracies.last ?? .nan) - (testAccuracies.last ?? .nan) }
    }

    /// What the experiment measured: the plain run, then the regularized one.
    public struct Outcome: Sendable, Equatable, Codable {
        /// The experiment's name (`weight-decay`, `dropout`).
        public var experiment: String
        /// The plain run and the regularized run.
        public var runs: [Run]

        /// The book's figure for each run, side by side: training (solid) and test (dashed)
        /// accuracy against the epoch.
        public func svg() -> String {
            let epochs = runs.map(\.trainAccuracies.count).max() ?? 1
            let xTicks = AxisTicks(covering: 0...Double(max(epochs - 1, 1)), maximumCount: 7, integers: true)
            let yTicks = AxisTicks(covering: 0...1, maximumCount: 6)
            var (svg, frames) = ExperimentFigure.grid(
                title: "\(experiment): accuracy on 300 training images and on the test set", panelCount: runs.count,
                columns: runs.count, panelSize: (380, 290), gap: (100, 0), xTicks: xTicks, yTicks: yTicks)
            for (run, frame) in zip(runs, frames) {
                let perEpoch = { (values: [Double]) in values.enumerated().map { (Double($0.offset), $0.element) } }
                ExperimentFigure.drawPanel(
                    on: &svg, frame: frame, title: run.label, xLabel: "epochs", yLabel: "accuracy",
                    lines: [ExperimentFigure.Line(name: "train", label: "train", points: perEpoch(run.trainAccuracies),
                                                  color: ExperimentFigure.palette[0]),
                            ExperimentFigure.Line(name: "test", label: "test", points: perEpoch(run.testAccuracies),
                                                  color: ExperimentFigure.palette[1], dashed: true)],
                    legendCorner: .bottomRight)
            }
            return svg.document()
        }
    }

    /// Trains the plain and the regularized network on the first ``trainingSize`` rows of
    /// `trainingSet`, measuring both accuracies (on `testSet` for the test accuracy) each
    /// epoch. `seed` fixes the initial weights, the minibatches and the dropout masks; both
    /// runs start from the same weights and see the same minibatches. `report` gets the book's
    /// progress line every 10 epochs and after the last.
    public func run(trainingSet: Dataset, testSet: Dataset, seed: UInt64,
                    report: (String) -> Void = { _ in }) -> Outcome {
        let data = trainingSet.prefix(min(trainingSize, trainingSet.count))
        let iterationsPerEpoch = max(data.count / batchSize, 1)
        let iterations = (epochs - 1) * iterationsPerEpoch + 1
        var runs: [Run] = []
        for regularized in [false, true] {
            var configuration = TrainingConfiguration(iterations: iterations, batchSize: batchSize, seed: seed)
            var dropoutRatio: Double?
            switch (regularized, regularization) {
            case (false, _): break
            case (true, .weightDecay(let lambda)): configuration.weightDecay = lambda
            case (true, .dropout(let ratio)): dropoutRatio = ratio
            }
            let network = ExperimentNetwork.make(for: data, hiddenSizes: hiddenSizes, weightInitialization: .he,
                                                 dropoutRatio: dropoutRatio, seed: seed)
            var contestant = Contestant(network: network, optimizer: SGD<Float>(learningRate: learningRate),
                                        trainingSet: data, testSet: testSet, configuration: configuration)
            let setting = regularized ? regularization.name : "plain"
            let accuracies = contestant.train(iterations: iterations, evaluatingEvery: iterationsPerEpoch) { epoch, train, test in
                guard epoch % 10 == 0 || epoch == epochs - 1 else { return }
                report("\(setting) " + String(format: "epoch:%d, train acc:%.4f, test acc:%.4f", epoch, train, test ?? .nan))
            }
            runs.append(Run(setting: setting, label: regularized ? regularization.label : "without regularization",
                            trainAccuracies: accuracies.map(\.train), testAccuracies: accuracies.map { $0.test ?? .nan },
                            skippedSteps: contestant.skippedSteps))
        }
        return Outcome(experiment: regularization.name, runs: runs)
    }
}
