import Backprop
import Numerics
import Testing

@Suite("Minibatch training (book 5.7.4)")
struct TrainerTests {
    /// 450 samples of the same three blobs: the first 300 to train on, the last 150 held out.
    let training: Dataset
    let test: Dataset

    init() {
        (training, test) = split(blobsDataset(count: 450, features: 10, classes: 3, seed: 31), at: 300)
    }

    func makeNetwork<Backend: KernelBackend>(_ backend: Backend) -> MultiLayerNet<Backend> {
        MultiLayerNet(inputSize: 10, hiddenSizes: [16], outputSize: 3, backend: backend, seed: 32)
    }

    @Test("Training lowers the loss and learns XOR, which no linear model can")
    func learns() throws {
        let (xorTraining, xorTest) = split(xorDataset(count: 600, seed: 30), at: 400)
        let network = MultiLayerNet(inputSize: 2, hiddenSizes: [16], outputSize: 2, backend: FastBackend(), seed: 32)
        let initialAccuracy = network.accuracy(xorTest.inputs, labels: xorTest.labels)
        let trainer = Trainer(network: network, optimizer: Momentum(learningRate: 0.1), trainingSet: xorTraining,
                              testSet: xorTest,
                              configuration: TrainingConfiguration(iterations: 400, batchSize: 20, seed: 33))
        let history = try trainer.train()
        let first = history.losses.prefix(20).reduce(0, +) / 20
        let last = history.losses.suffix(20).reduce(0, +) / 20
        #expect(last < first / 4, "loss \(first) -> \(last)")
        let final = try #require(history.epochs.last)
        #expect(initialAccuracy < 0.75)
        #expect(final.trainAccuracy > 0.95)
        #expect(try #require(final.testAccuracy) > 0.95)
    }

    @Test("Epoch records come every max(size / batch, 1) iterations, starting after the first")
    func epochBookkeeping() throws {
        let trainer = Trainer(network: makeNetwork(FastBackend()), optimizer: Momentum(learningRate: 0.05),
                              trainingSet: training, testSet: test,
                              configuration: TrainingConfiguration(iterations: 100, batchSize: 32, seed: 1))
        #expect(trainer.iterationsPerEpoch == 9)
        var iterationsSeen: [Int] = []
        var epochsSeen: [TrainingHistory.EpochRecord] = []
        let history = try trainer.train(onIteration: { iteration, _ in iterationsSeen.append(iteration) },
                                        onEpoch: { epochsSeen.append($0) })
        #expect(iterationsSeen == Array(0..<100))
        #expect(history.losses.count == 100)
        #expect(history.epochs == epochsSeen)
        #expect(history.epochs.map(\.epoch) == Array(0...11))
        #expect(history.epochs.map(\.iteration) == (0...11).map { $0 * 9 + 1 })
        // Each record's loss is the mean of the step losses since the previous evaluation:
        // epoch 0 the first step's alone, every later one the mean of its 9 steps.
        for (previous, record) in zip([0] + history.epochs.map(\.iteration), history.epochs) {
            let steps = history.losses[previous..<record.iteration]
            #expect(steps.count == (record.epoch == 0 ? 1 : 9))
            #expect(record.loss == steps.reduce(0, +) / Double(steps.count))
            #expect(record.testAccuracy != nil)
        }
        #expect(zip(history.epochs, history.epochs.dropFirst()).allSatisfy { $0.elapsedSeconds <= $1.elapsedSeconds })

        let tiny = Trainer(network: makeNetwork(FastBackend()), optimizer: SGD(), trainingSet: training.prefix(10),
                           configuration: TrainingConfiguration(iterations: 3, batchSize: 32))
        #expect(tiny.iterationsPerEpoch == 1)
        #expect(try tiny.train().epochs.count == 3)
    }

    @Test("The same seed gives bitwise identical weights and losses")
    func reproducible() throws {
        func run() throws -> ([Tensor<Float>], [Double]) {
            let network = makeNetwork(FastBackend())
            let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: training,
                                  configuration: TrainingConfiguration(iterations: 60, batchSize: 25, seed: 77))
            let history = try trainer.train()
            return (network.parameters.map(\.tensor), history.losses)
        }
        let (weightsA, lossesA) = try run()
        let (weightsB, lossesB) = try run()
        #expect(weightsA == weightsB)
        #expect(lossesA == lossesB)
        #expect(weightsA != makeNetwork(FastBackend()).parameters.map(\.tensor))
    }

    @Test("The fast and the reference backend train to close losses from the same seed")
    func backendsAgree() throws {
        func losses<Backend: KernelBackend>(_ backend: Backend) throws -> [Double] {
            let trainer = Trainer(network: makeNetwork(backend), optimizer: SGD<Backend.Scalar>(learningRate: 0.1),
                                  trainingSet: training,
                                  configuration: TrainingConfiguration(iterations: 50, batchSize: 20, seed: 5))
            return try trainer.train().losses
        }
        let fast = try losses(FastBackend())
        let reference = try losses(ReferenceBackend<Float>())
        // Both sum in Float but in different orders; the rounding differences stay tiny over 50 steps.
        for (a, b) in zip(fast, reference) {
            #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-4))
        }
        #expect(fast.last! < fast.first! / 2)
    }

    @Test("A non-finite loss stops training with an error naming the iteration")
    func nonFiniteLoss() {
        // A learning rate of 1e30 sends the weights to about 1e29 after the first step; the
        // scores of the second step overflow Float and the loss becomes NaN.
        let network = makeNetwork(FastBackend())
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 1e30), trainingSet: training,
                              configuration: TrainingConfiguration(iterations: 10, batchSize: 20))
        var lossesSeen = 0
        do {
            _ = try trainer.train(onIteration: { _, _ in lossesSeen += 1 })
            Issue.record("training went on with a non-finite loss")
        } catch {
            guard case .nonFiniteLoss(let iteration, let loss) = error else { return }
            #expect(iteration == lossesSeen)
            #expect(iteration >= 1)
            #expect(!loss.isFinite)
            #expect(trainer.completedIterations == iteration)
        }
    }
}
