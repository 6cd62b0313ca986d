@testable import Backprop
import Foundation
import Testing

/// The book's chapter 6 experiments on reduced settings (small slices of MNIST's test set,
/// smaller layers, fewer iterations), checked for the outcome each one demonstrates; the
/// full settings are benchmarks (Benchmarks/README.md). Figures are read back from their SVG.
@Suite("Chapter 6 experiments")
struct ExperimentTests {
    /// MNIST's test set, loaded once: its slices are the reduced runs' data.
    static let mnist: Result<Dataset, any Error> = Result { try MNIST.load(.test, from: MNIST.defaultDirectory()) }

    /// Rows `range` of the shipped test set.
    static func slice(_ range: Range<Int>) throws -> Dataset {
        try mnist.get().samples(at: Array(range))
    }

    // MARK: optimizer-paths

    /// The paths of the book's `optimizer_compare_naive.py`, run with NumPy and the book's
    /// `common/optimizer.py`: the second point, the last point and the path's length.
    static let bookPaths: [String: (second: (Double, Double), last: (Double, Double), length: Double)] = [
        "sgd": ((-6.335, -1.7999999999999998), (-0.3871745809417897, -0.09420257394492468), 36.80987654559551),
        "momentum": ((-6.93, 1.6), (0.8141121495081877, 0.2728778523795085), 12.596226374781558),
        "adagrad": ((-5.500000214285683, 0.5000000374999991), (-0.13618539990739692, 9.070978726153172e-17),
                    7.561824418722162),
        "adam": ((-6.700001355255732, 1.700000237170637), (0.02014906471751432, 0.32195722187064785), 8.179109350667833),
    ]

    @Test("optimizer-paths: SGD's first steps by hand, and every path as the book's NumPy code gives it")
    func optimizerPaths() {
        let paths = OptimizerPaths().run()
        #expect(paths.map(\.setting) == ["sgd", "momentum", "adagrad", "adam"])
        #expect(paths.map(\.label) == ["SGD", "Momentum", "AdaGrad", "Adam"])
        // SGD with lr 0.95 on ∇f = (x/10, 2y): x ← x − 0.95·x/10, y ← y − 0.95·2y.
        let sgd = paths[0].points
        #expect(sgd[0] == OptimizerPaths.Point(x: -7, y: 2))
        #expect(abs(sgd[1].x - (-7 - 0.95 * -0.7)) < 1e-15 && abs(sgd[1].y - (2 - 0.95 * 4)) < 1e-15)
        #expect(abs(sgd[2].x - (-6.335 - 0.95 * -0.6335)) < 1e-14 && abs(sgd[2].y - (-1.8 - 0.95 * -3.6)) < 1e-14)
        // y flips sign and shrinks by |1 − 1.9| = 0.9 each step: the zigzag.
        for (a, b) in zip(sgd, sgd.dropFirst()) { #expect(abs(b.y + 0.9 * a.y) < 1e-12) }
        for path in paths {
            let book = Self.bookPaths[path.setting]!
            #expect(path.points.count == 30)
            #expect(abs(path.points[1].x - book.second.0) < 1e-12 && abs(path.points[1].y - book.second.1) < 1e-12,
                    "\(path.setting): \(path.points[1])")
            #expect(abs(path.points[29].x - book.last.0) < 1e-12 && abs(path.points[29].y - book.last.1) < 1e-12,
                    "\(path.setting): \(path.points[29])")
            #expect(abs(path.length - book.length) < 1e-10, "\(path.setting): \(path.length)")
        }
        // AdaGrad and Adam end nearest the minimum, SGD travels furthest.
        #expect(paths.map(\.length).max() == paths[0].length)
    }

    @Test("optimizer-paths figure: four panels, each path read back from the SVG to its points, over 9 contour lines")
    func optimizerPathsFigure() {
        let paths = OptimizerPaths().run()
        let figure = SVGPanels(OptimizerPaths.svg(of: paths))
        #expect(figure.root == "svg")
        #expect(figure.panels.map(\.title) == ["SGD", "Momentum", "AdaGrad", "Adam"])
        for (panel, path) in zip(figure.panels, paths) {
            // Levels 1…7; the two widest ellipses leave x ∈ [-10, 10] and are cut in two.
            #expect(panel.otherPolylines == 9)
            let drawn = panel.line(path.setting)
            #expect(drawn.count == 30)
            // A tenth of a pixel is 20/300/10 of a unit; allow a few.
            for (point, expected) in zip(drawn, path.points) {
                #expect(abs(point.0 - expected.x) < 0.02 && abs(point.1 - expected.y) < 0.02,
                        "\(path.setting): drawn \(point), computed \(expected)")
            }
        }
    }

    // MARK: optimizers and weight-init

    @Test("optimizers: on 200 small steps Momentum, AdaGrad and Adam end below SGD, and the figure shows it")
    func optimizers() throws {
        let training = try Self.slice(0..<2000)
        let experiment = OptimizerComparison(hiddenSizes: [50, 50], batchSize: 32, iterations: 200)
        var lines: [String] = []
        let outcome = experiment.run(trainingSet: training, seed: 1) { lines.append($0) }
        #expect(outcome.curves.map(\.setting) == ["sgd", "momentum", "adagrad", "adam"])
        #expect(lines.count == 2 && lines[0].hasPrefix("iteration 0: SGD ") && lines[1].hasPrefix("iteration 100: "))
        for curve in outcome.curves {
            #expect(curve.losses.count == 200 && curve.skippedSteps == 0)
            let tail = curve.losses.suffix(100)
            #expect(abs(curve.finalLoss - tail.reduce(0, +) / 100) < 1e-12)
        }
        let final = Dictionary(uniqueKeysWithValues: outcome.curves.map { ($0.setting, $0.finalLoss) })
        // He weights start near ln 10 (every setting from the same weights: the same first loss
        // before any update differs only by the first update).
        #expect(outcome.curves.allSatisfy { (1.5...3).contains($0.losses[0]) }, "\(outcome.curves.map { $0.losses[0] })")
        for name in ["momentum", "adagrad", "adam"] {
            #expect(final[name]! < final["sgd"]! - 0.2, "\(final)")
        }
        #expect(final["sgd"]! < 2.0, "\(final)")

        let figure = SVGPanels(outcome.svg())
        #expect(figure.panels.count == 1)
        let panel = try #require(figure.panels.first)
        #expect(panel.pixelLines.keys.sorted() == ["adagrad", "adam", "momentum", "sgd"])
        for curve in outcome.curves {
            let drawn = panel.line(curve.setting)
            #expect(drawn.count == 200)
            // The drawn curve is the smoothed loss, clamped to the axis' 0…1.
            let last = try #require(drawn.last)
            #expect(abs(last.0 - 199) < 0.5)
            let smoothedTail = Array(curve.losses.suffix(6))
            #expect(abs(last.1 - min(smoothedTail.reduce(0, +) / 6, 1)) < 0.15, "\(curve.setting): \(last)")
        }
    }

    @Test("weight-init: std 0.01 stays at ln 10 while He's loss falls, faster than Xavier's")
    func weightInit() throws {
        let training = try Self.slice(0..<2000)
        let experiment = WeightInitComparison(hiddenSizes: [50, 50, 50, 50], batchSize: 32, iterations: 200)
        let outcome = experiment.run(trainingSet: training, seed: 2)
        #expect(outcome.curves.map(\.setting) == ["std0.01", "xavier", "he"])
        #expect(outcome.curves.map(\.label) == ["std=0.01", "Xavier", "He"])
        let final = outcome.curves.map(\.finalLoss)
        #expect(abs(final[0] - log(10)) < 0.01, "\(final)")
        #expect(final[2] < 1.5 && final[2] < final[1] - 0.3 && final[1] < final[0], "\(final)")
        #expect(outcome.lossAxisLimit == 2.5)
    }

    // MARK: batch-norm

    @Test("batch-norm: where the plain network is stuck at chance, batch normalization learns; one panel per scale")
    func batchNorm() throws {
        let training = try Self.slice(0..<500)
        let experiment = BatchNormComparison(weightScales: [0.01, 0.001], hiddenSizes: [50, 50, 50, 50, 50],
                                             batchSize: 50, epochs: 5, trainingSize: 400)
        let outcome = experiment.run(trainingSet: training, seed: 0)
        #expect(outcome.runs.map(\.weightScale) == [0.01, 0.001])
        for run in outcome.runs {
            #expect(run.plain.count == 5 && run.batchNorm.count == 5)
            #expect(run.plain.last! < 0.2, "plain at \(run.weightScale): \(run.plain)")
            #expect(run.batchNorm.last! > 0.3, "batch norm at \(run.weightScale): \(run.batchNorm)")
        }
        let figure = SVGPanels(outcome.svg())
        #expect(figure.panels.map(\.title) == ["W:0.01", "W:0.001"])
        for (panel, run) in zip(figure.panels, outcome.runs) {
            for (name, accuracies) in [("plain", run.plain), ("batchnorm", run.batchNorm)] {
                let drawn = panel.line(name)
                #expect(drawn.map { $0.0.rounded() } == [0, 1, 2, 3, 4])
                for (point, accuracy) in zip(drawn, accuracies) {
                    #expect(abs(point.1 - accuracy) < 0.01, "\(name) at \(run.weightScale): \(drawn) vs \(accuracies)")
                }
            }
        }
    }

    @Test("batch-norm scales: NumPy's logspace(0, -4, num=16)")
    func logspace() {
        let scales = BatchNormComparison.logspace(from: 0, to: -4, count: 16)
        #expect(scales.count == 16 && scales.first == 1)
        #expect(abs(scales[5] - 0.04641588833612779) < 1e-15)
        #expect(abs(scales[8] - 0.007356422544596414) < 1e-16)
        #expect(abs(scales[15] - 1e-4) < 1e-18)
        #expect(BatchNormComparison().weightScales == scales)
    }

    // MARK: weight-decay and dropout

    /// A small overfitting run: 100 training images, a faster step so the plain network
    /// reaches 100% within a few dozen epochs.
    private func overfitting(_ regularization: OverfittingComparison.Regularization) throws -> OverfittingComparison.Outcome {
        let training = try Self.slice(0..<100), test = try Self.slice(5000..<5500)
        let experiment = OverfittingComparison(regularization: regularization, epochs: 60, hiddenSizes: [50, 50, 50],
                                               learningRate: 0.1, batchSize: 50)
        return experiment.run(trainingSet: training, testSet: test, seed: 3)
    }

    @Test("weight-decay: the plain network fits its 100 images perfectly; weight decay narrows the train-test gap")
    func weightDecay() throws {
        let outcome = try overfitting(.weightDecay(lambda: 0.1))
        #expect(outcome.experiment == "weight-decay")
        let (plain, decayed) = (outcome.runs[0], outcome.runs[1])
        #expect(plain.setting == "plain" && decayed.setting == "weight-decay")
        #expect(plain.trainAccuracies.count == 60 && plain.testAccuracies.count == 60)
        #expect(plain.trainAccuracies.last == 1, "\(plain.trainAccuracies.suffix(5))")
        #expect(decayed.trainAccuracies.last! < 1, "\(decayed.trainAccuracies.suffix(5))")
        #expect(decayed.finalGap < plain.finalGap - 0.03, "gaps \(plain.finalGap) and \(decayed.finalGap)")
        let figure = SVGPanels(outcome.svg())
        #expect(figure.panels.map(\.title) == ["without regularization", "weight decay λ = 0.1"])
        for (panel, run) in zip(figure.panels, outcome.runs) {
            #expect(panel.line("train").count == 60 && panel.line("test").count == 60)
            #expect(abs(panel.line("train").last!.1 - run.trainAccuracies.last!) < 0.01)
            #expect(abs(panel.line("test").last!.1 - run.testAccuracies.last!) < 0.01)
        }
    }

    @Test("dropout: the book's dropout 0.2 narrows the train-test gap on 100 images")
    func dropout() throws {
        let outcome = try overfitting(.dropout(ratio: 0.2))
        let (plain, dropped) = (outcome.runs[0], outcome.runs[1])
        #expect(dropped.setting == "dropout" && dropped.label == "dropout 0.2")
        #expect(plain.trainAccuracies.last == 1)
        #expect(dropped.finalGap < plain.finalGap - 0.03, "gaps \(plain.finalGap) and \(dropped.finalGap)")
        // Same seed, same run: dropout's masks are keyed, not drawn from a shared stream.
        #expect(try overfitting(.dropout(ratio: 0.2)) == outcome)
    }

    // MARK: Pieces

    @Test("the book's smooth_curve: NumPy's values for x = arange(30)**1.5")
    func smoothing() {
        let values = (0..<30).map { pow(Double($0), 1.5) }
        let smoothed = BookSmoothing.smoothed(values)
        #expect(smoothed.count == 30)
        for (value, expected) in zip(smoothed.prefix(3), [4.131856944838187, 4.490413819888171, 5.5544081922213415]) {
            #expect(abs(value - expected) < 1e-12)
        }
        for (value, expected) in zip(smoothed.suffix(3), [136.18273248276154, 139.6306923216094, 141.40754026551753]) {
            #expect(abs(value - expected) < 1e-11)
        }
    }

    @Test("optimizer settings name themselves as the command line does and build the library's optimizers")
    func optimizerSettings() {
        let settings: [OptimizerSetting] = [.sgd(learningRate: 0.1), .momentum(learningRate: 0.1),
                                            .nesterov(learningRate: 0.1), .adaGrad(learningRate: 0.1),
                                            .rmsProp(learningRate: 0.1), .adam(learningRate: 0.1)]
        #expect(settings.map(\.name) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
        #expect(settings.map(\.description) == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])
        #expect(settings[1].makeOptimizer(of: Float.self) is Momentum<Float>)
        #expect(settings[4].makeOptimizer(of: Double.self) is RMSprop<Double>)
        #expect(settings.allSatisfy { $0.makeOptimizer(of: Float.self).learningRate == 0.1 })
    }
}
