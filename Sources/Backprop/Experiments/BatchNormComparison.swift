import Foundation

/// The book's `ch06/batch_norm_test.py` (figure 6-19): a six-layer ReLU network trained on
/// the first 1000 MNIST training images from 16 initial weight scales, with and without batch
/// normalization, comparing the training accuracy after each epoch. Without it most scales
/// never leave chance level; with it nearly every scale learns.
///
/// The defaults are the book's: 784-100-100-100-100-100-10, SGD 0.01, batch 100, 20 epochs
/// (an epoch is 10 minibatches drawn with replacement; the accuracy is measured after steps
/// 0, 10, …, 190), weight scales `np.logspace(0, -4, num=16)` as fixed standard deviations.
public struct BatchNormComparison: Sendable, Equatable {
    /// The fixed standard deviations of the initial weights, one pair of runs each.
    public var weightScales: [Double]
    /// The hidden layers' widths.
    public var hiddenSizes: [Int]
    /// SGD's step size.
    public var learningRate: Double
    /// The samples per minibatch, drawn with replacement.
    public var batchSize: Int
    /// The number of accuracy measurements (the book's `max_epochs`).
    public var epochs: Int
    /// How many of the first training samples to train on (the book's `x_train[:1000]`).
    public var trainingSize: Int

    /// The book's settings unless told otherwise.
    public init(weightScales: [Double] = BatchNormComparison.logspace(from: 0, to: -4, count: 16),
                hiddenSizes: [Int] = [100, 100, 100, 100, 100], learningRate: Double = 0.01, batchSize: Int = 100,
                epochs: Int = 20, trainingSize: Int = 1000) {
        precondition(weightScales.allSatisfy { $0 > 0 && $0.isFinite }, "BatchNormComparison: scales \(weightScales)")
        precondition(batchSize > 0 && epochs > 0 && trainingSize > 0,
                     "BatchNormComparison: batch \(batchSize), epochs \(epochs), training size \(trainingSize)")
        self.weightScales = weightScales
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.trainingSize = trainingSize
    }

    /// NumPy's `logspace(start, stop, num=count)`: `count` powers of ten with exponents evenly
    /// spaced from `start` to `stop`.
    public static func logspace(from start: Double, to stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [pow(10, start)] : [] }
        let step = (stop - start) / Double(count - 1)
        return (0..<count).map { pow(10, start + Double($0) * step) }
    }

    /// One weight scale's pair of runs.
    public struct Run: Sendable, Equatable, Codable {
        /// The standard deviation of the initial weights.
        public var weightScale: Double
        /// The training accuracy after each epoch without batch normalization.
        public var plain: [Double]
        /// The training accuracy after each epoch with batch normalization.
        public var batchNorm: [Double]
        /// Steps skipped because their loss was not finite, without batch normalization.
        public var skippedPlainSteps = 0
        /// Steps skipped because their loss was not finite, with batch normalization.
        public var skippedBatchNormSteps = 0
    }

    /// What the experiment measured: one pair of runs per weight scale.
    public struct Outcome: Sendable, Equatable, Codable {
        /// The runs, in the order of ``BatchNormComparison/weightScales``.
        public var runs: [Run]

        /// The book's figure: a grid of small charts (four per row), one per weight scale, of
        /// the training accuracy against the epoch, with batch normalization (solid) and
        /// without (dashed).
        public func svg() -> String {
            let epochs = runs.map { max($0.plain.count, $0.batchNorm.count) }.max() ?? 1
            let xTicks = AxisTicks(covering: 0...Double(max(epochs - 1, 1)), maximumCount: 5, integers: true)
            let yTicks = AxisTicks(covering: 0...1, maximumCount: 3)
            var (svg, frames) = ExperimentFigure.grid(
                title: "batch-norm: training accuracy with batch normalization (solid) and without (dashed)", panelCount: runs.count,
                columns: min(4, max(runs.count, 1)), panelSize: (180, 110), gap: (40, 50), xTicks: xTicks, yTicks: yTicks)
            for (index, run) in runs.enumerated() {
                let perEpoch = { (values: [Double]) in values.enumerated().map { (Double($0.offset), $0.element) } }
                let lines = [
                    ExperimentFigure.Line(name: "batchnorm", label: "Batch Normalization", points: perEpoch(run.batchNorm),
                                          color: ExperimentFigure.palette[0]),
                    ExperimentFigure.Line(name: "plain", label: "Normal (without BatchNorm)", points: perEpoch(run.plain),
                                          color: ExperimentFigure.palette[1], dashed: true),
                ]
                let columns = min(4, runs.count)
                let bottomRow = index >= runs.count - columns
                ExperimentFigure.drawPanel(
                    on: &svg, frame: frames[index], title: "W:\(String(format: "%.3g", run.weightScale))",
                    xLabel: bottomRow ? "epochs" : "", yLabel: index % columns == 0 ? "accuracy" : "",
                    lines: lines, legendCorner: nil)
            }
            return svg.document()
        }
    }

    /// Runs both networks at every scale on the first ``trainingSize`` rows of `trainingSet`.
    /// `seed` fixes the normal draws behind the weights (the same draws for both networks of
    /// a scale, and scaled for each scale) and the minibatches (shared by every run).
    /// `report` gets one line per scale with its final accuracies.
    public func run(trainingSet: Dataset, seed: UInt64, report: (String) -> Void = { _ in }) -> Outcome {
        let data = trainingSet.prefix(min(trainingSize, trainingSet.count))
        let iterationsPerEpoch = max(data.count / batchSize, 1)
        let configuration = TrainingConfiguration(iterations: (epochs - 1) * iterationsPerEpoch + 1,
                                                  batchSize: batchSize, seed: seed)
        var runs: [Run] = []
        for (index, scale) in weightScales.enumerated() {
            func train(batchNorm: Bool) -> (accuracies: [Double], skipped: Int) {
                let network = ExperimentNetwork.make(for: data, hiddenSizes: hiddenSizes,
                                                     weightInitialization: .standardDeviation(scale),
                                                     batchNorm: batchNorm, seed: seed)
                var contestant = Contestant(network: network, optimizer: SGD<Float>(learningRate: learningRate),
                                            trainingSet: data, configuration: configuration)
                let accuracies = contestant.train(iterations: configuration.iterations ?? 0,
                                                  evaluatingEvery: iterationsPerEpoch).map(\.train)
                return (accuracies, contestant.skippedSteps)
            }
            let batchNorm = train(batchNorm: true)
            let plain = train(batchNorm: false)
            runs.append(Run(weightScale: scale, plain: plain.accuracies, batchNorm: batchNorm.accuracies,
                            skippedPlainSteps: plain.skipped, skippedBatchNormSteps: batchNorm.skipped))
            report(String(format: "%d/%d W:%.3g epoch:%d | %.3f - %.3f", index + 1, weightScales.count, scale,
                          epochs - 1, plain.accuracies.last ?? .nan, batchNorm.accuracies.last ?? .nan))
        }
        return Outcome(runs: runs)
    }
}
