/// Minibatch training as in the book's `train_neuralnet.py` (section 5.7.4): each iteration
/// takes a minibatch, backpropagates, and lets the optimizer update the parameters; once per
/// epoch it measures the accuracy on the training and test sets (and the loss and accuracy
/// on a validation set, if it has one).
///
/// A regression set (``Dataset/values``) trains against its real-valued targets, and each
/// evaluation measures ``RegressionMetrics`` (RMSE, MAE, R²) instead of the accuracy, in the
/// targets' own units when ``targetScaling`` says how they were standardized.
///
/// - Minibatches (``TrainingConfiguration/Length``): in iteration mode, the book's —
///   `batchSize` indices drawn uniformly with replacement (`np.random.choice`); in epoch mode,
///   consecutive slices of the training set's rows, shuffled anew each epoch or in their
///   order. Either way a ``SeededGenerator`` makes the seed fix the whole run, and the rows are
///   gathered straight into a reused batch buffer.
/// - Epoch: in iteration mode max(training set size / batch size, 1) iterations, evaluated
///   after the first iteration of each (epoch 0 comes after iteration 1, as in the book); in
///   epoch mode one pass, ⌈size / batch size⌉ iterations (the last batch smaller when the size
///   is not a multiple), evaluated after its last iteration (epoch 1 is the first pass).
/// - Loss: each iteration records the loss of its own forward pass, before the update (the
///   book evaluates the loss again after the update; this saves that extra forward pass); an
///   epoch's record holds the mean of the losses since the previous evaluation.
/// - Steering: the `stopAfter…` callbacks of
///   ``train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)`` end training; a
///   ``learningRateSchedule`` sets the optimizer's rate before every step; early stopping
///   (``TrainingConfiguration/earlyStopping``) watches the validation loss.
///
/// After the first iteration a step of the book's iteration mode allocates nothing: the batch
/// buffers, the layers' buffers and the optimizer's state are all reused.
public final class Trainer<Backend: KernelBackend, Method: Optimizer> where Method.Scalar == Backend.Scalar {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The network being trained (updated in place).
    public let network: MultiLayerNet<Backend>
    /// The optimizer and its state. Settable between steps, for example to change the
    /// learning rate during training (a ``learningRateSchedule`` overrides the rate each step).
    public var optimizer: Method
    /// Sets the optimizer's learning rate before every step, from the step's position in the
    /// run; nil leaves the rate to the optimizer (and to whoever sets ``optimizer``).
    public var learningRateSchedule: LearningRateSchedule?
    /// The run's settings.
    public let configuration: TrainingConfiguration
    /// The number of iterations done so far, by ``step()`` or
    /// ``train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)``.
    public private(set) var completedIterations = 0

    /// How a regression's targets were standardized for training: the metrics of each
    /// evaluation are then measured in the targets' original units (predictions and targets
    /// mapped back). Nil measures in the units trained on.
    public var targetScaling: Standardization?

    private let trainingInputs: Tensor<Scalar>
    private let trainingLabels: [Int32]
    private let trainingValues: Tensor<Scalar>?
    private let testInputs: Tensor<Scalar>?
    private let testLabels: [Int32]
    private let testValues: Tensor<Scalar>?
    private var batchValues = Tensor<Scalar>(shape: [0])
    private let validation: ValidationChunks?
    private var generator: SeededGenerator
    /// Epoch mode: the order of the current epoch's rows.
    private var epochRows: [Int]
    private var batchIndices: [Int]
    private var batchInputs = Tensor<Scalar>(shape: [0])
    private var batchLabels: [Int32]
    /// Data-parallel training: the sum of the processes' gradients, and this process's rows of
    /// each minibatch (nil in a run of one process).
    private let exchange: GradientExchange<Backend>?
    private var shardIndices: [Int] = []

    /// A validation set cut into evaluation chunks once, so each evaluation reads them in place.
    /// In data-parallel training the chunks are this process's share of the set; `count` is
    /// the whole set's.
    private struct ValidationChunks {
        var inputs: [Tensor<Scalar>] = []
        var labels: [[Int32]] = []
        /// A regression's targets, one tensor per chunk.
        var values: [Tensor<Scalar>] = []
        var count: Int
    }

    /// A trainer for `network` on `trainingSet`, evaluated on `testSet` and `validationSet` if
    /// given. Every set must match the network's input size and class count; early stopping
    /// needs a non-empty validation set. Float datasets are converted once to the backend's
    /// precision (and shared, not copied, when that is Float).
    ///
    /// With a `reducer` (an `MPIReducer` in a build with the MPI trait) this trainer is one
    /// process of a data-parallel job: rank 0's parameters are copied to every process, each
    /// process draws the same minibatches and trains on its contiguous share of each, the
    /// shares' gradients and losses are summed in rank order before every update, and the
    /// accuracies, validation losses included, are measured in shares and summed. Every
    /// process must make the same calls.
    public init(network: MultiLayerNet<Backend>, optimizer: Method, trainingSet: Dataset,
                testSet: Dataset? = nil, validationSet: Dataset? = nil,
                learningRateSchedule: LearningRateSchedule? = nil,
                configuration: TrainingConfiguration = TrainingConfiguration(),
                reducer: (any GradientReducer)? = nil) {
        for (name, set) in [("training", trainingSet), ("test", testSet), ("validation", validationSet)] {
            guard let set else { continue }
            precondition(set.featureCount == network.inputSize,
                         "Trainer: the \(name) set has \(set.featureCount) features but the network takes \(network.inputSize)")
            precondition(set.targetCount == network.outputSize,
                         "Trainer: the \(name) set has \(set.targetCount) \(set.isRegression ? "targets" : "classes") but the network outputs \(network.outputSize)")
            precondition(set.isRegression == trainingSet.isRegression,
                         "Trainer: the \(name) set's targets are not of the training set's kind")
        }
        precondition(reducer == nil || !trainingSet.isRegression,
                     "Trainer: regression is not supported in data-parallel training")
        precondition(trainingSet.count > 0, "Trainer: the training set is empty")
        precondition(configuration.batchSize >= (reducer?.processCount ?? 1),
                     "Trainer: a batch of \(configuration.batchSize) cannot be shared by \(reducer?.processCount ?? 1) processes")
        precondition(configuration.totalIterations(trainingSetSize: trainingSet.count) != nil,
                     "Trainer: \(configuration.epochs ?? 0) epochs of \(configuration.iterationsPerEpoch(trainingSetSize: trainingSet.count)) "
                        + "iterations are more than Int.max iterations")
        precondition(configuration.earlyStopping == nil || (validationSet?.count ?? 0) > 0,
                     "Trainer: early stopping needs a non-empty validation set")
        precondition(configuration.weightDecay >= 0 && configuration.weightDecay.isFinite,
                     "Trainer: weight decay must be finite and non-negative, got \(configuration.weightDecay)")
        // Each process would normalize its share of the batch with that share's statistics,
        // so N processes would not compute the plain run's step: refused rather than different.
        precondition(reducer == nil || network.buffers.isEmpty,
                     "Trainer: batch normalization is not supported in data-parallel training")
        self.network = network
        self.optimizer = optimizer
        self.learningRateSchedule = learningRateSchedule
        self.configuration = configuration
        self.trainingInputs = .converting(trainingSet.inputs)
        self.trainingLabels = trainingSet.labels
        self.trainingValues = trainingSet.values.map { .converting($0) }
        self.testInputs = testSet.map { .converting($0.inputs) }
        self.testLabels = testSet?.labels ?? []
        self.testValues = testSet?.values.map { .converting($0) }
        let exchange = reducer.map { GradientExchange<Backend>(reducer: $0) }
        self.validation = validationSet.map { set in
            let inputs = Tensor<Scalar>.converting(set.inputs)
            let values = set.values.map { Tensor<Scalar>.converting($0) }
            var chunks = ValidationChunks(count: set.count)
            let share = exchange?.share(of: set.count) ?? 0..<set.count
            for start in stride(from: share.lowerBound, to: share.upperBound, by: configuration.evaluationChunkSize) {
                let rows = start..<min(start + configuration.evaluationChunkSize, share.upperBound)
                var chunk = Tensor<Scalar>(shape: [0])
                chunk.copyRows(of: inputs, in: rows)
                chunks.inputs.append(chunk)
                if let values {
                    var targets = Tensor<Scalar>(shape: [0])
                    targets.copyRows(of: values, in: rows)
                    chunks.values.append(targets)
                } else {
                    chunks.labels.append(Array(set.labels[rows]))
                }
            }
            return chunks
        }
        self.generator = SeededGenerator(seed: configuration.seed)
        self.epochRows = configuration.epochs == nil ? [] : Array(0..<trainingSet.count)
        self.batchIndices = Array(repeating: 0, count: configuration.batchSize)
        self.batchLabels = Array(repeating: 0, count: configuration.batchSize)
        self.exchange = exchange
        exchange?.broadcastParameters(network.parameterList)
    }

    /// The most iterations whose losses ``train(onIteration:onEpoch:stopAfterIteration:stopAfterEpoch:)``
    /// reserves room for up front (512 KB of them).
    static var reservedHistoryLength: Int { 1 << 16 }

    /// In data-parallel training, what the gradient exchange cost per step so far: the
    /// gradient's bytes, the bytes sent and received and the time, each the largest over the
    /// processes (nil for a run of one process, or before the first step). Every process must
    /// call it, as it gathers the processes' figures.
    public func exchangeStatistics() -> ExchangeStatistics? {
        exchange?.stepStatistics()
    }

    /// The number of iterations per epoch: max(training set size / batch size, 1) in iteration
    /// mode (the book's), ⌈training set size / batch size⌉ in epoch mode (every sample once).
    public var iterationsPerEpoch: Int {
        configuration.iterationsPerEpoch(trainingSetSize: trainingInputs.rows)
    }

    /// The number of iterations the configuration asks for: its iteration count, or epochs
    /// times ``iterationsPerEpoch``. Training may end sooner (a callback, early stopping).
    public var totalIterations: Int {
        // The initializer checked that the product fits.
        configuration.totalIterations(trainingSetSize: trainingInputs.rows)!
    }

    /// The training-set rows of the last step's minibatch, in batch order.
    public var lastBatchRows: [Int] { batchIndices }

    /// One iteration: take the next minibatch, set the scheduled learning rate, backpropagate,
    /// update. Returns the minibatch loss. Throws, leaving the parameters untouched, if the
    /// loss is not finite.
    @discardableResult
    public func step() throws(TrainingError) -> Double {
        fillBatchIndices()
        let batchSize = batchIndices.count
        var firstRow = 0
        if let exchange {
            // Every process draws the same minibatch and takes its contiguous share of it.
            let rows = exchange.share(of: batchSize)
            if shardIndices.count != rows.count { shardIndices = Array(repeating: 0, count: rows.count) }
            for i in 0..<rows.count { shardIndices[i] = batchIndices[rows.lowerBound + i] }
            loadBatch(shardIndices)
            firstRow = rows.lowerBound
        } else {
            loadBatch(batchIndices)
        }
        // Dropout draws from (seed, step, layer, row of the whole minibatch): the same masks
        // for any thread count, instruction set or number of processes.
        network.setRandomKeys(seed: configuration.seed, iteration: completedIterations, firstRow: firstRow)
        if let learningRateSchedule {
            optimizer.learningRate = learningRateSchedule.rate(at: .init(
                iteration: completedIterations, iterationsPerEpoch: iterationsPerEpoch, totalIterations: totalIterations))
        }
        var loss = network.backpropagate(batchInputs, targets: batchTargets)
        if let exchange {
            loss = exchange.sum(network.parameterList, loss: loss,
                                shardWeight: Scalar(batchLabels.count) / Scalar(batchSize))
        }
        if configuration.weightDecay > 0 {
            loss += decayWeights()
        }
        guard loss.isFinite else {
            throw .nonFiniteLoss(iteration: completedIterations, loss: Double(loss))
        }
        optimizer.step(network.parameterList)
        completedIterations += 1
        return Double(loss)
    }

    /// Weight decay after the gradients are complete (summed over the processes, when there
    /// are several, which all hold the same weights): λ·W added to each weight's gradient.
    /// Returns ½·λ·ΣW², the term it adds to the loss.
    private func decayWeights() -> Scalar {
        let lambda = configuration.weightDecay
        let parameters = network.parameterList
        var squares = 0.0
        for slot in 0..<parameters.count where parameters.roles[slot] == .weight {
            let weights = parameters.value(at: slot)
            squares += parameters.backend.sumOfSquares(weights)
            parameters.updateGradient(slot) { gradient in
                parameters.backend.addScaled(weights, times: Scalar(lambda), to: &gradient)
            }
        }
        return Scalar(0.5 * lambda * squares)
    }

    /// Sets `batchIndices` to the next minibatch's rows.
    private func fillBatchIndices() {
        guard case .epochs(_, let order) = configuration.length else {
            for i in batchIndices.indices {
                batchIndices[i] = Int.random(in: 0..<trainingInputs.rows, using: &generator)
            }
            return
        }
        let position = completedIterations % iterationsPerEpoch
        if position == 0 && order == .shuffled {
            // The project's one seeded shuffle (not `shuffle(using:)`, whose algorithm the
            // standard library does not promise to keep: a seed must fix the order for good).
            generator.shuffle(&epochRows)
        }
        let rows = position * configuration.batchSize..<min((position + 1) * configuration.batchSize, epochRows.count)
        if rows.count != batchIndices.count {
            batchIndices.removeAll(keepingCapacity: true)
            batchIndices.append(contentsOf: epochRows[rows])
        } else {
            for i in 0..<rows.count { batchIndices[i] = epochRows[rows.lowerBound + i] }
        }
    }

    /// Gathers the training rows `rows` into `batchInputs` and their labels into `batchLabels`,
    /// whose storage is kept when the count changes (an epoch's last, shorter batch).
    private func loadBatch(_ rows: [Int]) {
        if batchLabels.count != rows.count {
            batchLabels.removeAll(keepingCapacity: true)
            batchLabels.append(contentsOf: repeatElement(0, count: rows.count))
        }
        network.backend.gatherRows(of: trainingInputs, at: rows, into: &batchInputs)
        if let trainingValues {
            network.backend.gatherRows(of: trainingValues, at: rows, into: &batchValues)
        } else {
            for i in 0..<rows.count { batchLabels[i] = trainingLabels[rows[i]] }
        }
    }

    /// The current minibatch's targets: its class labels, or a regression's values.
    private var batchTargets: Targets<Scalar> {
        trainingValues == nil ? .labels(batchLabels) : .values(batchValues)
    }

    /// A regression's metrics on the whole training set and on the test set (nil without
    /// one), predicted in chunks of ``TrainingConfiguration/evaluationChunkSize`` rows and
    /// measured in the targets' units (see ``targetScaling``). Nil for a classifier.
    public func evaluateRegression() -> (train: RegressionMetrics, test: RegressionMetrics?)? {
        guard let trainingValues else { return nil }
        let chunk = configuration.evaluationChunkSize
        let train = metrics(trainingInputs, trainingValues, chunkSize: chunk)
        let test = testInputs.flatMap { inputs in testValues.map { metrics(inputs, $0, chunkSize: chunk) } }
        return (train, test)
    }

    /// The metrics of the network's predictions for `inputs` against `values`, in the targets' units.
    private func metrics(_ inputs: Tensor<Scalar>, _ values: Tensor<Scalar>, chunkSize: Int) -> RegressionMetrics {
        metrics(predictions: network.predictions(inputs, chunkSize: chunkSize), targets: values)
    }

    /// The metrics of `predictions` against `targets`, both mapped back to the targets' units
    /// when they were standardized.
    private func metrics(predictions: Tensor<Scalar>, targets: Tensor<Scalar>) -> RegressionMetrics {
        guard let targetScaling else { return RegressionMetrics(predictions: predictions, targets: targets) }
        return RegressionMetrics(predictions: targetScaling.restore(predictions), targets: targetScaling.restore(targets))
    }

    /// The accuracy on the whole training set and on the test set (nil without one),
    /// evaluated in chunks of ``TrainingConfiguration/evaluationChunkSize`` rows.
    /// For a regression, which has no accuracy, both are NaN (see ``evaluateRegression()``).
    public func evaluate() -> (train: Double, test: Double?) {
        guard trainingValues == nil else { return (.nan, testInputs.map { _ in .nan }) }
        let chunk = configuration.evaluationChunkSize
        guard let exchange else {
            let train = network.accuracy(trainingInputs, labels: trainingLabels, chunkSize: chunk)
            let test = testInputs.map { network.accuracy($0, labels: testLabels, chunkSize: chunk) }
            return (train, test)
        }
        // Each process counts the correct rows of its share; the counts add up exactly.
        func shared(_ x: Tensor<Scalar>, _ labels: [Int32]) -> Double {
            let correct = exchange.sumOverShares(of: x.rows) { rows in
                network.correctCount(x, labels: labels, rows: rows, chunkSize: chunk)
            }
            return x.rows > 0 ? Double(correct) / Double(x.rows) : 0
        }
        return (shared(trainingInputs, trainingLabels), testInputs.map { shared($0, testLabels) })
    }

    /// The mean loss and the accuracy on the validation set (nil without one), in chunks of
    /// ``TrainingConfiguration/evaluationChunkSize`` rows: the chunks' mean losses weighted by
    /// their row counts, which is the mean over all rows. In data-parallel training each
    /// process measures its share and the loss sums and correct counts are summed.
    ///
    /// For a regression the accuracy is NaN; ``validateRegression()`` gives its metrics.
    public func validate() -> (loss: Double, accuracy: Double)? {
        guard let validation, validation.count > 0 else { return nil }
        if !validation.values.isEmpty {
            var lossSum = 0.0
            for (inputs, values) in zip(validation.inputs, validation.values) {
                lossSum += Double(network.loss(inputs, targets: .values(values))) * Double(values.rows)
            }
            return (lossSum / Double(validation.count), .nan)
        }
        var lossSum = 0.0, correct = 0
        for (inputs, labels) in zip(validation.inputs, validation.labels) {
            // One forward pass gives both the loss and the predictions.
            let measured = network.lossAndCorrectCount(inputs, labels: labels)
            lossSum += Double(measured.loss) * Double(labels.count)
            correct += measured.correct
        }
        if let exchange {
            // Counts below 2⁵³ add exactly; the loss sum adds in the reducer's fixed order.
            var sums = [lossSum, Double(correct)]
            exchange.reducer.sumAcrossProcesses(&sums)
            (lossSum, correct) = (sums[0], Int(sums[1]))
        }
        return (lossSum / Double(validation.count), Double(correct) / Double(validation.count))
    }

    /// A regression's metrics on the validation set (nil without one, or for a classifier),
    /// in the targets' units (see ``targetScaling``).
    public func validateRegression() -> RegressionMetrics? {
        guard let validation, validation.count > 0, !validation.values.isEmpty else { return nil }
        let predictions = validation.inputs.map { network.predict($0) }
        func joined(_ parts: [Tensor<Scalar>]) -> Tensor<Scalar> {
            Tensor(shape: [parts.reduce(0) { $0 + $1.rows }, parts[0].columns], scalars: parts.flatMap(\.scalars))
        }
        return metrics(predictions: joined(predictions), targets: joined(validation.values))
    }

    /// Runs the remaining iterations up to ``totalIterations``, calling `onIteration` with
    /// each iteration's index and loss and `onEpoch` with each evaluation, and returns what was
    /// measured. `stopAfterIteration` and `stopAfterEpoch` steer: when either returns true,
    /// training ends after that iteration, or after that epoch's evaluation (each is asked
    /// after the observer of the same event).
    ///
    /// With ``TrainingConfiguration/earlyStopping``, training also ends once the validation
    /// loss has not improved for `patience` evaluations, and however it ends the network gets
    /// back the parameters of the best evaluation (``TrainingHistory/bestEpoch``).
    ///
    /// Throws ``TrainingError/nonFiniteLoss(iteration:loss:)`` when a loss is not finite, and
    /// ``TrainingError/runawayLoss(iteration:loss:initialLoss:)`` when a ``DivergenceMonitor``
    /// with its default settings finds the loss stuck far above where it started (restoring
    /// early stopping's best parameters first, if there are any); the history up to then is
    /// lost with it, so a caller that wants it should collect it in the callbacks.
    ///
    /// Each iteration's loss is measured before its update, so the loop alone would never see
    /// an update that diverges in the last iteration. When the loop ends, the loss of the final
    /// parameters on the last minibatch is therefore checked too (one inference pass); if it is
    /// not finite, the error names iteration ``completedIterations``, the one that would have
    /// measured it, and the run does not pass as finished with parameters that only produce NaN.
    public func train(
        onIteration: (_ iteration: Int, _ loss: Double) -> Void = { _, _ in },
        onEpoch: (TrainingHistory.EpochRecord) -> Void = { _ in },
        stopAfterIteration: (_ iteration: Int, _ loss: Double) -> Bool = { _, _ in false },
        stopAfterEpoch: (TrainingHistory.EpochRecord) -> Bool = { _ in false }
    ) throws(TrainingError) -> TrainingHistory {
        var history = TrainingHistory()
        // Reserved for a run of ordinary length only: a long run's history grows as it goes,
        // so its memory is what the run has kept, not what it asked for (Int.max iterations
        // would otherwise be an impossible allocation before the first step).
        history.losses.reserveCapacity(min(max(totalIterations - completedIterations, 0), Self.reservedHistoryLength))
        var tracker = configuration.earlyStopping.map { BestParameters<Scalar>(rule: $0) }
        let clock = ContinuousClock()
        let start = clock.now
        var monitor = DivergenceMonitor()
        var stopping = false
        // The losses since the last evaluation, summed in order, for the epoch's mean loss.
        var epochLoss = (sum: 0.0, count: 0)
        do throws(TrainingError) {
            while !stopping && completedIterations < totalIterations {
                let iteration = completedIterations
                let loss = try step()
                if monitor.observe(loss) {
                    throw .runawayLoss(iteration: iteration, loss: loss, initialLoss: monitor.initialLoss ?? loss)
                }
                history.losses.append(loss)
                onIteration(iteration, loss)
                stopping = stopAfterIteration(iteration, loss)
                epochLoss = (epochLoss.sum + loss, epochLoss.count + 1)
                guard let epoch = epoch(endedBy: iteration) else { continue }
                let (train, test) = evaluate()
                let validation = validate()
                var record = TrainingHistory.EpochRecord(
                    epoch: epoch, iteration: iteration + 1, trainAccuracy: train, testAccuracy: test,
                    loss: epochLoss.sum / Double(epochLoss.count),
                    elapsedSeconds: (clock.now - start).seconds,
                    validationLoss: validation?.loss, validationAccuracy: validation?.accuracy,
                    learningRate: optimizer.learningRate)
                if let regression = evaluateRegression() {
                    record.trainMetrics = regression.train
                    record.testMetrics = regression.test
                    record.validationMetrics = validateRegression()
                }
                history.epochs.append(record)
                epochLoss = (0, 0)
                if let validationLoss = validation?.loss,
                   tracker?.patienceRunsOut(observing: validationLoss, epoch: epoch,
                                            parameters: { network.state }) == true {
                    stopping = true
                }
                onEpoch(record)
                if stopAfterEpoch(record) { stopping = true }
            }
            if !history.losses.isEmpty {
                let finalLoss = network.loss(batchInputs, targets: batchTargets)
                guard finalLoss.isFinite else {
                    throw .nonFiniteLoss(iteration: completedIterations, loss: Double(finalLoss))
                }
            }
        } catch {
            tracker?.restore(into: network)
            throw error
        }
        history.bestEpoch = tracker?.restore(into: network)
        return history
    }

    /// The epoch whose evaluation is due after iteration `iteration` (0-based), if any.
    private func epoch(endedBy iteration: Int) -> Int? {
        switch configuration.length {
        case .iterations:
            return iteration % iterationsPerEpoch == 0 ? iteration / iterationsPerEpoch : nil
        case .epochs:
            return (iteration + 1) % iterationsPerEpoch == 0 ? (iteration + 1) / iterationsPerEpoch : nil
        }
    }
}

/// Early stopping's bookkeeping: the lowest validation loss so far, the parameters it was
/// measured with, and how many evaluations have passed without beating it.
private struct BestParameters<Scalar: BinaryFloatingPoint & Sendable> {
    let rule: EarlyStopping
    private var best: (loss: Double, epoch: Int, parameters: [(name: String, tensor: Tensor<Scalar>)])?
    private var evaluationsWithoutImprovement = 0

    init(rule: EarlyStopping) {
        self.rule = rule
    }

    /// Records the validation loss of `epoch`, copying `parameters()` if it is a new best;
    /// true once `patience` evaluations in a row have not improved on the best.
    mutating func patienceRunsOut(observing loss: Double, epoch: Int,
                                  parameters: () -> [(name: String, tensor: Tensor<Scalar>)]) -> Bool {
        if loss.isFinite && loss < (best?.loss ?? .infinity) - rule.minimumImprovement {
            best = (loss, epoch, parameters())
            evaluationsWithoutImprovement = 0
            return false
        }
        evaluationsWithoutImprovement += 1
        return evaluationsWithoutImprovement >= rule.patience
    }

    /// Loads the best parameters into `network` and returns their epoch (nil if no
    /// evaluation had a finite validation loss, leaving the network as it is).
    @discardableResult
    func restore<Backend: KernelBackend>(into network: MultiLayerNet<Backend>) -> Int? where Backend.Scalar == Scalar {
        guard let best else { return nil }
        do {
            try network.load(state: best.parameters)
        } catch {
            preconditionFailure("Trainer: the network no longer takes its own parameters: \(error)")
        }
        return best.epoch
    }
}

extension Trainer: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [batchIndices.storageAddress, batchInputs.storageAddress, batchLabels.storageAddress, epochRows.storageAddress,
         batchValues.storageAddress]
            + network.storageAddresses + ((optimizer as? any StorageInspectable)?.storageAddresses ?? [])
    }
}
