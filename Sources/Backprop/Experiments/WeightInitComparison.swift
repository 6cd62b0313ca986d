/// The book's `ch06/weight_init_compare.py` (figure 6-15): the same five-layer ReLU network
/// from three initial weight scales, trained by SGD side by side on the same minibatches.
/// With standard deviation 0.01 the signal dies out layer by layer and the loss stays at
/// ln 10 ≈ 2.30; He's scale, made for ReLU, learns fastest.
///
/// The defaults are the book's: 784-100-100-100-100-10, SGD 0.01, batch 128, 2000 iterations;
/// std 0.01, Xavier (`'sigmoid'`) and He (`'relu'`), the book's meanings of `weight_init_std`.
public struct WeightInitComparison: Sendable, Equatable {
    /// The initializations compared, in order.
    public var initializations: [WeightInitialization]
    /// The hidden layers' widths.
    public var hiddenSizes: [Int]
    /// SGD's step size.
    public var learningRate: Double
    /// The samples per minibatch, drawn with replacement.
    public var batchSize: Int
    /// The number of minibatch steps.
    public var iterations: Int
    /// How many of the last losses each setting's final loss averages.
    public var finalWindow: Int

    /// The book's settings unless told otherwise.
    public init(initializations: [WeightInitialization] = [.standardDeviation(0.01), .xavier, .he],
                hiddenSizes: [Int] = [100, 100, 100, 100], learningRate: Double = 0.01, batchSize: Int = 128,
                iterations: Int = 2000, finalWindow: Int = 100) {
        precondition(!initializations.isEmpty, "WeightInitComparison: no initialization to compare")
        precondition(batchSize > 0 && iterations >= 0 && finalWindow > 0,
                     "WeightInitComparison: batch \(batchSize), iterations \(iterations), window \(finalWindow)")
        self.initializations = initializations
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.iterations = iterations
        self.finalWindow = finalWindow
    }

    /// The JSON name of an initialization: `std0.01`, `xavier`, `he`.
    public static func name(of initialization: WeightInitialization) -> String {
        switch initialization {
        case .he: "he"
        case .xavier: "xavier"
        case .standardDeviation(let value): "std\(BookNumberFormat.string(value))"
        }
    }

    /// The book's legend label of an initialization: `std=0.01`, `Xavier`, `He`.
    public static func label(of initialization: WeightInitialization) -> String {
        switch initialization {
        case .he: "He"
        case .xavier: "Xavier"
        case .standardDeviation(let value): "std=\(BookNumberFormat.string(value))"
        }
    }

    /// Runs the comparison on `trainingSet`; `seed` fixes the normal draws behind every
    /// setting's weights (each scales the same draws) and the minibatches (shared by all).
    /// `report` gets the book's progress lines, one every 100 iterations.
    public func run(trainingSet: Dataset, seed: UInt64, report: (String) -> Void = { _ in }) -> LossComparison {
        let configuration = TrainingConfiguration(iterations: iterations, batchSize: batchSize, seed: seed)
        let entries = initializations.map { initialization in
            let network = ExperimentNetwork.make(for: trainingSet, hiddenSizes: hiddenSizes,
                                                 weightInitialization: initialization, seed: seed)
            return (Self.name(of: initialization), Self.label(of: initialization),
                    Contestant(network: network, optimizer: SGD<Float>(learningRate: learningRate),
                               trainingSet: trainingSet, configuration: configuration))
        }
        let curves = LossComparison.race(entries, trainingSet: trainingSet, iterations: iterations,
                                         finalWindow: finalWindow, report: report)
        return LossComparison(experiment: BookExperiment.weightInit.rawValue, curves: curves,
                              finalWindow: finalWindow, lossAxisLimit: 2.5)
    }
}
