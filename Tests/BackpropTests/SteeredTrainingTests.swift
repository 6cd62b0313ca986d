import Backprop
import Foundation
import RealModule
import Testing

/// Epochs, callbacks that stop, learning-rate schedules, a validation set and early stopping.
@Suite("Steered training: epochs, schedules, callbacks, early stopping")
struct SteeredTrainingTests {
    func makeNetwork(seed: UInt64 = 32) -> MultiLayerNet<FastBackend> {
        MultiLayerNet(inputSize: 10, hiddenSizes: [16], outputSize: 3, backend: FastBackend(), seed: seed)
    }

    func blobs(_ count: Int) -> Dataset {
        blobsDataset(count: count, features: 10, classes: 3, seed: 31)
    }

    /// The rows of each minibatch of a run, in order.
    func batchesVisited<Method: Optimizer>(_ trainer: Trainer<FastBackend, Method>) throws -> [[Int]] {
        var batches: [[Int]] = []
        _ = try trainer.train(onIteration: { _, _ in batches.append(trainer.lastBatchRows) })
        return batches
    }

    // MARK: Epochs

    @Test("A sequential epoch visits every row once, in order, the last batch being the rows left over")
    func sequentialEpochs() throws {
        let trainer = Trainer(network: makeNetwork(), optimizer: SGD(learningRate: 0.1), trainingSet: blobs(10),
                              configuration: TrainingConfiguration(epochs: 2, order: .sequential, batchSize: 4))
        #expect(trainer.iterationsPerEpoch == 3)
        #expect(trainer.totalIterations == 6)
        var batches: [[Int]] = []
        let history = try trainer.train(onIteration: { _, _ in batches.append(trainer.lastBatchRows) })
        #expect(batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(history.losses.count == 6)
        // One evaluation per epoch, after its last batch, numbered by the passes completed.
        #expect(history.epochs.map(\.epoch) == [1, 2])
        #expect(history.epochs.map(\.iteration) == [3, 6])
        // Each epoch reports the mean of its three steps' losses.
        #expect(history.epochs.map(\.loss) == [(history.losses[0] + history.losses[1] + history.losses[2]) / 3,
                                                (history.losses[3] + history.losses[4] + history.losses[5]) / 3])
    }

    @Test("A shuffled epoch visits every row exactly once, in a new order each epoch, fixed by the seed")
    func shuffledEpochs() throws {
        func run(seed: UInt64) throws -> [[Int]] {
            let trainer = Trainer(network: makeNetwork(), optimizer: SGD(learningRate: 0.1), trainingSet: blobs(23),
                                  configuration: TrainingConfiguration(epochs: 3, batchSize: 5, seed: seed))
            #expect(trainer.configuration.length == .epochs(3, order: .shuffled))
            let batches = try batchesVisited(trainer)
            #expect(batches.map(\.count) == Array(repeating: [5, 5, 5, 5, 3], count: 3).flatMap { $0 })
            // Five batches per epoch: each epoch's rows are a permutation of 0..<23.
            return (0..<3).map { epoch in batches[(epoch * 5)..<(epoch * 5 + 5)].flatMap { $0 } }
        }
        let epochs = try run(seed: 7)
        for order in epochs {
            #expect(order.sorted() == Array(0..<23))
        }
        #expect(Set(epochs).count == 3, "each epoch has its own order")
        #expect(!epochs.contains(Array(0..<23)))
        #expect(try run(seed: 7) == epochs)
        #expect(try run(seed: 8) != epochs)
    }

    // MARK: Callbacks

    @Test("A callback's stop ends training after that iteration")
    func stopAfterIteration() throws {
        let trainer = Trainer(network: makeNetwork(), optimizer: SGD(learningRate: 0.1), trainingSet: blobs(300),
                              configuration: TrainingConfiguration(iterations: 100, batchSize: 10, seed: 3))
        var seen: [Int] = []
        let history = try trainer.train(onIteration: { iteration, _ in seen.append(iteration) },
                                        stopAfterIteration: { iteration, _ in iteration == 7 })
        #expect(seen == Array(0...7))
        #expect(trainer.completedIterations == 8)
        #expect(history.losses.count == 8)
        // Iteration mode evaluates after iteration 1 only, within these 8 (30 iterations per epoch).
        #expect(history.epochs.map(\.iteration) == [1])
    }

    @Test("A callback's stop ends training after that epoch's evaluation")
    func stopAfterEpoch() throws {
        let trainer = Trainer(network: makeNetwork(), optimizer: SGD(learningRate: 0.1), trainingSet: blobs(30),
                              configuration: TrainingConfiguration(epochs: 10, batchSize: 8))
        var epochsSeen: [Int] = []
        let history = try trainer.train(onEpoch: { epochsSeen.append($0.epoch) }, stopAfterEpoch: { $0.epoch == 2 })
        #expect(epochsSeen == [1, 2])
        #expect(history.epochs.map(\.epoch) == [1, 2])
        #expect(trainer.completedIterations == 2 * 4)
        #expect(history.losses.count == 8)
    }

    // MARK: Schedules

    /// The learning rate the optimizer held at each step of a run, and the run's history.
    func ratesPerStep(_ schedule: LearningRateSchedule, configuration: TrainingConfiguration,
                      trainingSet: Dataset) throws -> ([Double], TrainingHistory) {
        let trainer = Trainer(network: makeNetwork(), optimizer: SGD(learningRate: 1), trainingSet: trainingSet,
                              learningRateSchedule: schedule, configuration: configuration)
        var rates: [Double] = []
        let history = try trainer.train(onIteration: { _, _ in rates.append(trainer.optimizer.learningRate) })
        return (rates, history)
    }

    @Test("Step decay multiplies the rate by its factor every few epochs, from the first step of that epoch")
    func stepDecay() throws {
        // 10 rows in batches of 5: two steps per epoch, six epochs.
        let (rates, history) = try ratesPerStep(.stepDecay(initialRate: 0.1, every: 2, factor: 0.5),
                                                configuration: TrainingConfiguration(epochs: 6, batchSize: 5),
                                                trainingSet: blobs(10))
        #expect(rates == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025])
        #expect(history.epochs.map(\.learningRate) == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])

        // In iteration mode the epochs are the book's (here 30 / 10 = 3 iterations each).
        let (bookRates, _) = try ratesPerStep(.stepDecay(initialRate: 0.2, every: 1, factor: 0.5),
                                              configuration: TrainingConfiguration(iterations: 7, batchSize: 10),
                                              trainingSet: blobs(30))
        #expect(bookRates == [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05])
    }

    @Test("Cosine annealing falls from the initial rate along half a cosine over all steps")
    func cosine() throws {
        let (rates, _) = try ratesPerStep(.cosine(initialRate: 0.1, minimumRate: 0.01),
                                          configuration: TrainingConfiguration(epochs: 4, batchSize: 5),
                                          trainingSet: blobs(10))
        // The documented formula, evaluated in the same order as the schedule does.
        let expected = (0..<8).map { (t: Int) -> Double in
            let progress = Double(t) / 8
            return 0.01 + (0.1 - 0.01) * (1 + Double.cos(Double.pi * progress)) / 2
        }
        #expect(rates == expected)
        #expect(rates[0] == 0.1)
        #expect(rates[4].isApproximatelyEqual(to: 0.055, relativeTolerance: 1e-12))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
        #expect(rates[7] > 0.01)
    }

    @Test("A closure schedule sets the rate of every step, and the optimizer updates with it")
    func closureSchedule() throws {
        let (rates, _) = try ratesPerStep(LearningRateSchedule { 0.01 * Double($0.iteration + 1) },
                                          configuration: TrainingConfiguration(iterations: 5, batchSize: 10),
                                          trainingSet: blobs(30))
        #expect(rates == [0.01, 0.02, 0.03, 0.04, 0.05].enumerated().map { 0.01 * Double($0.offset + 1) })

        // A zero rate from the schedule overrides the optimizer's own: the parameters stay put.
        let network = makeNetwork()
        let before = network.parameters.map(\.tensor)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.5), trainingSet: blobs(30),
                              learningRateSchedule: .constant(0),
                              configuration: TrainingConfiguration(iterations: 5, batchSize: 10))
        _ = try trainer.train()
        #expect(network.parameters.map(\.tensor) == before)
    }

    // MARK: Validation and early stopping

    @Test("The validation set is the last rows, rounded to the nearest count")
    func validationSplit() {
        let set = blobs(30)
        let (training, validation) = set.holdingOutValidation(fraction: 0.2)
        #expect(training.count == 24 && validation.count == 6)
        #expect(validation.labels == Array(set.labels[24...]))
        #expect(validation.inputs.scalars == Array(set.inputs.scalars[(24 * 10)...]))
        #expect(training.inputs.scalars == Array(set.inputs.scalars[..<(24 * 10)]))
        #expect(Dataset.validationCount(fraction: 0.1, of: 60_000) == 6_000)
        #expect(Dataset.validationCount(fraction: 0.57, of: 100) == 57)
    }

    @Test("A seeded validation split of a class-sorted set holds out rows of every class, the same ones for the same seed")
    func shuffledValidationSplit() {
        // 30 rows sorted by class: rows 0-9 class 0, 10-19 class 1, 20-29 class 2.
        let sorted = blobs(30).samples(at: (0..<30).sorted { (blobs(30).labels[$0], $0) < (blobs(30).labels[$1], $1) })
        #expect(sorted.labels == (0..<30).map { Int32($0 / 10) })
        let (training, validation) = sorted.holdingOutValidation(fraction: 0.2, seed: 42)
        #expect(training.count == 24 && validation.count == 6)
        // The last rows would all be class 2; the seeded rows cover every class.
        #expect(sorted.holdingOutValidation(fraction: 0.2).validation.labels == Array(repeating: 2, count: 6))
        #expect(Set(validation.labels) == [0, 1, 2], "\(validation.labels)")
        // The two parts are the set's rows, each once, in the set's order.
        var generator = SeededGenerator(seed: 42)
        let held = generator.permutation(of: 30)[..<6].sorted()
        let kept = (0..<30).filter { !held.contains($0) }
        #expect(validation.inputs.scalars == sorted.samples(at: held).inputs.scalars)
        #expect(training.inputs.scalars == sorted.samples(at: kept).inputs.scalars)
        #expect(training.labels == kept.map { sorted.labels[$0] })
        #expect(sorted.holdingOutValidation(fraction: 0.2, seed: 42).validation.labels == validation.labels)
        #expect(sorted.holdingOutValidation(fraction: 0.2, seed: 7).validation.inputs.scalars != validation.inputs.scalars)
    }

    /// SGD on 90 blob rows, validated on the 30 held out after them.
    func heldOutTrainer(learningRate: Double, _ configuration: TrainingConfiguration)
        -> (Trainer<FastBackend, SGD<Float>>, validation: Dataset) {
        let (training, validation) = blobs(120).holdingOutValidation(fraction: 0.25)
        return (Trainer(network: makeNetwork(), optimizer: SGD(learningRate: learningRate), trainingSet: training,
                        validationSet: validation, configuration: configuration), validation)
    }

    @Test("Each epoch record carries the validation loss and accuracy, measured in chunks")
    func validationInRecords() throws {
        let (trainer, validation) = heldOutTrainer(learningRate: 0.1,
                                                   TrainingConfiguration(epochs: 2, batchSize: 10, evaluationChunkSize: 7))
        let network = trainer.network
        let history = try trainer.train()
        let last = try #require(history.epochs.last)
        // The chunked mean equals the loss over the whole set at once, up to rounding.
        let whole = Double(network.loss(validation.inputs, targets: .labels(validation.labels)))
        #expect(try #require(last.validationLoss).isApproximatelyEqual(to: whole, relativeTolerance: 1e-5))
        #expect(last.validationAccuracy == network.accuracy(validation.inputs, labels: validation.labels))
        #expect(history.epochs.allSatisfy { $0.validationLoss != nil && $0.testAccuracy == nil })
        #expect(history.bestEpoch == nil)
    }

    @Test("Early stopping ends after `patience` evaluations without improvement and restores the best epoch's parameters bitwise")
    func earlyStoppingRestoresBest() throws {
        // The validation rows carry the wrong labels (each shifted by one class): the better the
        // network learns the blobs, the worse its validation loss, so the best epoch comes early
        // and training must stop well before its 30 epochs.
        let training = blobs(60)
        let shifted = blobsDataset(count: 30, features: 10, classes: 3, seed: 31)
        let validation = Dataset(inputs: shifted.inputs, labels: shifted.labels.map { ($0 + 1) % 3 }, classCount: 3)
        let network = makeNetwork()
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.2), trainingSet: training,
                              validationSet: validation,
                              configuration: TrainingConfiguration(epochs: 30, batchSize: 10,
                                                                   earlyStopping: EarlyStopping(patience: 3)))
        var parametersByEpoch: [Int: [[UInt32]]] = [:]
        let history = try trainer.train(onEpoch: { record in
            parametersByEpoch[record.epoch] = parameterBits(of: network)
        })
        let losses = history.epochs.map { $0.validationLoss! }
        let best = try #require(history.bestEpoch)
        #expect(best == history.epochs[losses.firstIndex(of: losses.min()!)!].epoch)
        #expect(history.epochs.count == best + 3, "stopped 3 evaluations after the best")
        #expect(history.epochs.count < 30)
        let restored = parameterBits(of: network)
        #expect(restored == parametersByEpoch[best])
        #expect(restored != parametersByEpoch[history.epochs.last!.epoch])
    }

    @Test("While the validation loss keeps falling, training runs its whole length and the last epoch is the best")
    func earlyStoppingWithoutTrigger() throws {
        let (trainer, _) = heldOutTrainer(learningRate: 0.05, TrainingConfiguration(
            epochs: 4, batchSize: 10, earlyStopping: EarlyStopping(patience: 10)))
        let network = trainer.network
        var lastParameters: [[UInt32]] = []
        let history = try trainer.train(onEpoch: { _ in
            lastParameters = parameterBits(of: network)
        })
        #expect(history.epochs.count == 4)
        // On clean blobs the loss falls every epoch: the best is the last, and nothing changes.
        #expect(history.bestEpoch == 4)
        #expect(parameterBits(of: network) == lastParameters)
    }

    // MARK: Persistence

    @Test("Configurations round-trip through JSON, and records written before the validation fields still decode")
    func codable() throws {
        for configuration in [
            TrainingConfiguration(iterations: 7, batchSize: 3, seed: 9),
            TrainingConfiguration(epochs: 4, order: .sequential, batchSize: 5,
                                  earlyStopping: EarlyStopping(patience: 2, minimumImprovement: 0.01)),
        ] {
            let decoded = try JSONDecoder().decode(TrainingConfiguration.self, from: JSONEncoder().encode(configuration))
            #expect(decoded == configuration)
        }
        let old = #"{"epoch":1,"iteration":600,"trainAccuracy":0.9,"testAccuracy":0.91,"loss":0.3,"elapsedSeconds":1.5}"#
        let record = try JSONDecoder().decode(TrainingHistory.EpochRecord.self, from: Data(old.utf8))
        #expect(record == TrainingHistory.EpochRecord(epoch: 1, iteration: 600, trainAccuracy: 0.9, testAccuracy: 0.91,
                                                      loss: 0.3, elapsedSeconds: 1.5))
        #expect(record.validationLoss == nil && record.learningRate == nil)
    }
}
