/// Minibatch training as in the book's `train_neuralnet.py` (section 5.7.4): each iteration
/// draws a random minibatch, backpropagates, and lets the optimizer update the parameters;
/// after the first iteration and then once per epoch it measures the accuracy on the
/// training and test sets.
///
/// - Minibatches: `batchSize` indices drawn uniformly with replacement (the book's
///   `np.random.choice`) from a ``SeededGenerator``, so a seed fixes the whole run; the rows
///   are gathered straight into a reused batch buffer.
/// - Epoch: max(training set size / batch size, 1) iterations, as in the book.
/// - Loss: each iteration records the loss of its own forward pass, before the update (the
///   book evaluates the loss again after the update; this saves that extra forward pass).
///
/// After the first iteration a step allocates nothing: the batch buffers, the layers'
/// buffers and the optimizer's state are all reused.
public final class Trainer<Backend: KernelBackend, Method: Optimizer> where Method.Scalar == Backend.Scalar {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The network being trained (updated in place).
    public let network: MultiLayerNet<Backend>
    /// The optimizer and its state. Settable between steps, for example to change the
    /// learning rate during training.
    public var optimizer: Method
    /// The run's settings.
    public let configuration: TrainingConfiguration
    /// The number of iterations done so far, by ``step()`` or ``train(onIteration:onEpoch:)``.
    public private(set) var completedIterations = 0

    private let trainingInputs: Tensor<Scalar>
    private let trainingLabels: [Int32]
    private let testInputs: Tensor<Scalar>?
    private let testLabels: [Int32]
    private var generator: SeededGenerator
    private var batchIndices: [Int]
    private var batchInputs = Tensor<Scalar>(shape: [0])
    private var batchLabels: [Int32]

    /// A trainer for `network` on `trainingSet`, evaluated on `testSet` if given. Both sets
    /// must match the network's input size and class count. Float datasets are converted
    /// once to the backend's precision (and shared, not copied, when that is Float).
    public init(network: MultiLayerNet<Backend>, optimizer: Method, trainingSet: Dataset,
                testSet: Dataset? = nil, configuration: TrainingConfiguration = TrainingConfiguration()) {
        for (name, set) in [("training", trainingSet), ("test", testSet)] {
            guard let set else { continue }
            precondition(set.featureCount == network.inputSize,
                         "Trainer: the \(name) set has \(set.featureCount) features but the network takes \(network.inputSize)")
            precondition(set.classCount == network.outputSize,
                         "Trainer: the \(name) set has \(set.classCount) classes but the network outputs \(network.outputSize)")
        }
        precondition(trainingSet.count > 0, "Trainer: the training set is empty")
        self.network = network
        self.optimizer = optimizer
        self.configuration = configuration
        self.trainingInputs = .converting(trainingSet.inputs)
        self.trainingLabels = trainingSet.labels
        self.testInputs = testSet.map { .converting($0.inputs) }
        self.testLabels = testSet?.labels ?? []
        self.generator = SeededGenerator(seed: configuration.seed)
        self.batchIndices = Array(repeating: 0, count: configuration.batchSize)
        self.batchLabels = Array(repeating: 0, count: configuration.batchSize)
    }

    /// The number of iterations per epoch: max(training set size / batch size, 1).
    public var iterationsPerEpoch: Int {
        max(trainingLabels.count / configuration.batchSize, 1)
    }

    /// One iteration: draw a minibatch, backpropagate, update. Returns the minibatch loss.
    /// Throws, leaving the parameters untouched, if the loss is not finite.
    @discardableResult
    public func step() throws(TrainingError) -> Double {
        for i in batchIndices.indices {
            batchIndices[i] = Int.random(in: 0..<trainingLabels.count, using: &generator)
        }
        network.backend.gatherRows(of: trainingInputs, at: batchIndices, into: &batchInputs)
        for i in 0..<batchIndices.count {
            batchLabels[i] = trainingLabels[batchIndices[i]]
        }
        let loss = network.backpropagate(batchInputs, targets: .labels(batchLabels))
        guard loss.isFinite else {
            throw .nonFiniteLoss(iteration: completedIterations, loss: Double(loss))
        }
        optimizer.step(network.parameterList)
        completedIterations += 1
        return Double(loss)
    }

    /// The accuracy on the whole training set and on the test set (nil without one),
    /// evaluated in chunks of ``TrainingConfiguration/evaluationChunkSize`` rows.
    public func evaluate() -> (train: Double, test: Double?) {
        let chunk = configuration.evaluationChunkSize
        let train = network.accuracy(trainingInputs, labels: trainingLabels, chunkSize: chunk)
        let test = testInputs.map { network.accuracy($0, labels: testLabels, chunkSize: chunk) }
        return (train, test)
    }

    /// Runs the remaining iterations up to ``TrainingConfiguration/iterations``, calling
    /// `onIteration` with each iteration's index and loss and `onEpoch` with each evaluation,
    /// and returns what was measured. Throws ``TrainingError/nonFiniteLoss(iteration:loss:)``
    /// when a loss is not finite; the history up to then is lost with it, so a caller that
    /// wants it should collect it in the callbacks.
    ///
    /// Each iteration's loss is measured before its update, so the loop alone would never see
    /// an update that diverges in the last iteration. When the loop ends, the loss of the final
    /// parameters on the last minibatch is therefore checked too (one inference pass); if it is
    /// not finite, the error names iteration ``completedIterations``, the one that would have
    /// measured it, and the run does not pass as finished with parameters that only produce NaN.
    public func train(
        onIteration: (_ iteration: Int, _ loss: Double) -> Void = { _, _ in },
        onEpoch: (TrainingHistory.EpochRecord) -> Void = { _ in }
    ) throws(TrainingError) -> TrainingHistory {
        var history = TrainingHistory()
        history.losses.reserveCapacity(max(configuration.iterations - completedIterations, 0))
        let clock = ContinuousClock()
        let start = clock.now
        while completedIterations < configuration.iterations {
            let iteration = completedIterations
            let loss = try step()
            history.losses.append(loss)
            onIteration(iteration, loss)
            if iteration % iterationsPerEpoch == 0 {
                let (train, test) = evaluate()
                let elapsed = (clock.now - start).components
                let record = TrainingHistory.EpochRecord(
                    epoch: iteration / iterationsPerEpoch, iteration: iteration + 1,
                    trainAccuracy: train, testAccuracy: test, loss: loss,
                    elapsedSeconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
                history.epochs.append(record)
                onEpoch(record)
            }
        }
        if !history.losses.isEmpty {
            let finalLoss = network.loss(batchInputs, targets: .labels(batchLabels))
            guard finalLoss.isFinite else {
                throw .nonFiniteLoss(iteration: completedIterations, loss: Double(finalLoss))
            }
        }
        return history
    }
}

extension Trainer: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [batchIndices.storageAddress, batchInputs.storageAddress, batchLabels.storageAddress]
            + network.storageAddresses + ((optimizer as? any StorageInspectable)?.storageAddresses ?? [])
    }
}
