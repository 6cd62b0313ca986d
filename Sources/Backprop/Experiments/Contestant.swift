/// One network of an experiment with the trainer that trains it, behind closures so that an
/// experiment can hold networks trained by different optimizer types in one list.
///
/// Every contestant of an experiment gets a trainer with the same seed, so they all draw the
/// same minibatches in the same order, as the book's scripts feed one `batch_mask` to every
/// network; they need not be stepped in lockstep for that.
struct Contestant {
    /// The network being trained.
    let network: MultiLayerNet<FastBackend>
    /// Steps with a loss that was not finite (the step is then skipped, see ``step()``).
    private(set) var skippedSteps = 0
    private let stepTrainer: () throws(TrainingError) -> Double
    private let evaluateTrainer: () -> (train: Double, test: Double?)
    private let rows: () -> [Int]

    /// A contestant training `network` with `optimizer` on `trainingSet` (evaluated on
    /// `testSet` too, if given) with `configuration`'s batch size, seed and weight decay.
    init(network: MultiLayerNet<FastBackend>, optimizer: some Optimizer<Float>, trainingSet: Dataset,
         testSet: Dataset? = nil, configuration: TrainingConfiguration) {
        let trainer = Trainer(network: network, optimizer: optimizer, trainingSet: trainingSet, testSet: testSet,
                              configuration: configuration)
        self.network = network
        stepTrainer = { () throws(TrainingError) -> Double in try trainer.step() }
        evaluateTrainer = { trainer.evaluate() }
        rows = { trainer.lastBatchRows }
    }

    /// One minibatch step. A step whose loss is not finite leaves the parameters as they were
    /// and is counted in ``skippedSteps`` (NumPy would carry the NaN on; a network that gets
    /// there has diverged either way, and the experiment goes on with the others).
    mutating func step() {
        do {
            _ = try stepTrainer()
        } catch {
            skippedSteps += 1
        }
    }

    /// The accuracy on the whole training set and on the test set (nil without one).
    func evaluate() -> (train: Double, test: Double?) { evaluateTrainer() }

    /// The training-set rows of the last step's minibatch.
    var lastBatchRows: [Int] { rows() }

    /// The book's loop with evaluations (`batch_norm_test.py`, `overfit_weight_decay.py`,
    /// `common/trainer.py`): `iterations` steps, and after step i the accuracies whenever
    /// i is a multiple of `iterationsPerEpoch` (so the first evaluation follows the first step).
    mutating func train(iterations: Int, evaluatingEvery iterationsPerEpoch: Int,
                        onEvaluation: (_ epoch: Int, _ train: Double, _ test: Double?) -> Void = { _, _, _ in })
        -> [(train: Double, test: Double?)] {
        var accuracies: [(train: Double, test: Double?)] = []
        for iteration in 0..<iterations {
            step()
            if iteration % iterationsPerEpoch == 0 {
                let accuracy = evaluate()
                onEvaluation(accuracies.count, accuracy.train, accuracy.test)
                accuracies.append(accuracy)
            }
        }
        return accuracies
    }
}
