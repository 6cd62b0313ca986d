import Foundation

/// What the book's loss-curve experiments measure (`optimizer_compare_mnist.py`,
/// `weight_init_compare.py`): for each setting, the minibatch loss of every iteration, all
/// settings trained on the same minibatches.
public struct LossComparison: Sendable, Equatable, Codable {
    /// One setting's run.
    public struct Curve: Sendable, Equatable, Codable {
        /// The setting's name in JSON lines: `sgd`, `he`, `std0.01`.
        public var setting: String
        /// The setting as the book's legend writes it: `SGD`, `He`, `std=0.01`.
        public var label: String
        /// The loss of each iteration's minibatch, measured after that iteration's update
        /// (the book's `train_loss[key].append(networks[key].loss(x_batch, t_batch))`).
        public var losses: [Double]
        /// The mean of the last ``LossComparison/finalWindow`` losses: one number per setting
        /// that the noise of single minibatches does not move much.
        public var finalLoss: Double
        /// Steps skipped because their loss was not finite (0 in a healthy run).
        public var skippedSteps: Int
    }

    /// The experiment's name (`optimizers`, `weight-init`), used in the figure's title.
    public var experiment: String
    /// The settings' runs, in the order they were given.
    public var curves: [Curve]
    /// How many of the last losses ``Curve/finalLoss`` averages.
    public var finalWindow: Int
    /// The top of the figure's loss axis, the book's `plt.ylim` (1 for the optimizers, 2.5
    /// for the weight initializations).
    public var lossAxisLimit: Double

    /// The book's figure: each setting's loss smoothed as the book's `smooth_curve` smooths
    /// it, against the iteration, on one chart.
    public func svg() -> String {
        let iterations = curves.map(\.losses.count).max() ?? 0
        let xTicks = AxisTicks(covering: 0...Double(max(iterations, 1)), integers: true)
        let yTicks = AxisTicks(covering: 0...lossAxisLimit, maximumCount: 6)
        var (svg, frames) = ExperimentFigure.grid(title: "\(experiment): minibatch loss (smoothed)", panelCount: 1,
                                                  columns: 1, panelSize: (640, 360), gap: (0, 0),
                                                  xTicks: xTicks, yTicks: yTicks)
        let lines = curves.enumerated().map { index, curve in
            let smoothed = BookSmoothing.smoothed(curve.losses).enumerated().map { (Double($0.offset), $0.element) }
            return ExperimentFigure.Line(
                name: curve.setting, label: curve.label,
                points: LearningCurves.downsampled(smoothed, maximumCount: LearningCurves.maximumPointsPerLine),
                color: ExperimentFigure.palette[index % ExperimentFigure.palette.count])
        }
        ExperimentFigure.drawPanel(on: &svg, frame: frames[0], title: "loss", xLabel: "iterations", yLabel: "loss",
                                   lines: lines, legendCorner: .topRight)
        return svg.document()
    }

    /// Trains every contestant for `iterations` steps on the same minibatches and records each
    /// one's loss after its update; every `reportEvery` iterations `report` gets one line with
    /// the latest losses (what the book's scripts print every 100 iterations).
    static func race(_ entries: [(setting: String, label: String, contestant: Contestant)], trainingSet: Dataset,
                     iterations: Int, finalWindow: Int, reportEvery: Int = 100,
                     report: (String) -> Void) -> [Curve] {
        var contestants = entries.map(\.contestant)
        var losses = Array(repeating: [Double](), count: entries.count)
        let backend = FastBackend()
        var batch = Tensor<Float>(shape: [0])
        var labels: [Int32] = []
        for iteration in 0..<iterations {
            for index in contestants.indices { contestants[index].step() }
            let rows = contestants.first?.lastBatchRows ?? []
            backend.gatherRows(of: trainingSet.inputs, at: rows, into: &batch)
            labels = rows.map { trainingSet.labels[$0] }
            for index in contestants.indices {
                assert(contestants[index].lastBatchRows == rows, "contestants must draw the same minibatches")
                losses[index].append(Double(contestants[index].network.loss(batch, targets: .labels(labels))))
            }
            if iteration % reportEvery == 0 {
                report("iteration \(iteration): " + zip(entries, losses).map { entry, curve in
                    "\(entry.label) \(String(format: "%.4f", curve[iteration]))"
                }.joined(separator: ", "))
            }
        }
        return zip(entries, zip(losses, contestants)).map { entry, run in
            let tail = run.0.suffix(finalWindow)
            return Curve(setting: entry.setting, label: entry.label, losses: run.0,
                         finalLoss: tail.isEmpty ? .nan : tail.reduce(0, +) / Double(tail.count),
                         skippedSteps: run.1.skippedSteps)
        }
    }
}
