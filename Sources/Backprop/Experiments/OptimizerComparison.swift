/// The book's `ch06/optimizer_compare_mnist.py` (figure 6-9): the same five-layer ReLU network
/// trained on MNIST by SGD, Momentum, AdaGrad and Adam, side by side on the same minibatches,
/// comparing how fast the loss falls.
///
/// The defaults are the book's: 784-100-100-100-100-10 with He weights, batch 128, 2000
/// iterations, SGD 0.01, Momentum 0.01 (0.9), AdaGrad 0.01, Adam 0.001. Every setting is
/// a property, so a shorter run (fewer iterations, smaller layers, a slice of the data) is a
/// matter of changing it.
public struct OptimizerComparison: Sendable, Equatable {
    /// The optimizers compared, in order.
    public var optimizers: [OptimizerSetting]
    /// The hidden layers' widths.
    public var hiddenSizes: [Int]
    /// The samples per minibatch, drawn with replacement (`np.random.choice`).
    public var batchSize: Int
    /// The number of minibatch steps.
    public var iterations: Int
    /// How many of the last losses each setting's final loss averages.
    public var finalWindow: Int

    /// The book's settings unless told otherwise.
    public init(optimizers: [OptimizerSetting] = [.sgd(learningRate: 0.01), .momentum(learningRate: 0.01),
                                                  .adaGrad(learningRate: 0.01), .adam(learningRate: 0.001)],
                hiddenSizes: [Int] = [100, 100, 100, 100], batchSize: Int = 128, iterations: Int = 2000,
                finalWindow: Int = 100) {
        precondition(!optimizers.isEmpty, "OptimizerComparison: no optimizer to compare")
        precondition(batchSize > 0 && iterations >= 0 && finalWindow > 0,
                     "OptimizerComparison: batch \(batchSize), iterations \(iterations), window \(finalWindow)")
        self.optimizers = optimizers
        self.hiddenSizes = hiddenSizes
        self.batchSize = batchSize
        self.iterations = iterations
        self.finalWindow = finalWindow
    }

    /// Runs the comparison on `trainingSet` (the book's whole MNIST training set); `seed` fixes
    /// the initial weights (the same for every optimizer) and the minibatches (the same for
    /// every optimizer). `report` gets the book's progress lines, one every 100 iterations.
    public func run(trainingSet: Dataset, seed: UInt64, report: (String) -> Void = { _ in }) -> LossComparison {
        let configuration = TrainingConfiguration(iterations: iterations, batchSize: batchSize, seed: seed)
        let entries = optimizers.map { setting in
            let network = ExperimentNetwork.make(for: trainingSet, hiddenSizes: hiddenSizes,
                                                 weightInitialization: .he, seed: seed)
            return (setting.name, setting.description,
                    Contestant(network: network, optimizer: setting.makeOptimizer(of: Float.self),
                               trainingSet: trainingSet, configuration: configuration))
        }
        let curves = LossComparison.race(entries, trainingSet: trainingSet, iterations: iterations,
                                         finalWindow: finalWindow, report: report)
        return LossComparison(experiment: BookExperiment.optimizers.rawValue, curves: curves,
                              finalWindow: finalWindow, lossAxisLimit: 1)
    }
}
