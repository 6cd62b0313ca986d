import ArgumentParser
import Backprop
import Foundation

/// `backprop train`: minibatch training on MNIST with the book's settings by default
/// (784-50-10, ReLU, weight std 0.01, batch 100, SGD with learning rate 0.1, 10,000 iterations,
/// train and test accuracy every epoch of 600 iterations).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on MNIST or a CSV file (defaults: the book's TwoLayerNet run on MNIST).")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var csvOptions: CSVOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var loop: TrainingLoopOptions
    @OptionGroup var network: NetworkOptions

    @Option(name: .customLong("batch-size"), help: "Samples per minibatch.")
    var batchSize = 100

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp(
        "Learning rate of the optimizer (default: 0.1 for sgd, the book's TwoLayerNet run; 0.01 for momentum, "
            + "nesterov, adagrad and rmsprop; 0.001 for adam).", valueName: "rate"))
    var requestedLearningRate: Double?

    /// The rate asked for, or the optimizer's usual one.
    var learningRate: Double { requestedLearningRate ?? optimizer.defaultLearningRate }

    @Option(help: "Update rule: sgd, momentum (0.9), adam, nesterov (0.9), adagrad or rmsprop (decay 0.99).")
    var optimizer: OptimizerChoice = .sgd

    @Option(name: .customLong("weight-init"), help: ArgumentHelp(
        "Initial weights: std (fixed --weight-std), he or xavier (default: std; he for --network deep-convnet).",
        valueName: "init"))
    var weightInit: WeightInitChoice?

    @Option(name: .customLong("weight-std"), help: "Standard deviation for --weight-init std.")
    var weightStd = 0.01

    @Option(name: .customLong("weight-decay"), help: ArgumentHelp(
        "Weight decay λ: adds 0.5·λ·ΣW² over the weights (not the biases) to the loss and λ·W to their gradients.",
        valueName: "lambda"))
    var weightDecay = 0.0

    /// 42 by convention; over seeds 0-12 and 42 the book's run ends at test accuracy
    /// 0.967-0.973 (mean 0.970), the spread of the book's numpy run (see README).
    @Option(help: "Seed of the weight initialization and the minibatch sampling.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Save the trained model (safetensors) to this file.", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Write curves.csv and curves.svg into this directory.", valueName: "dir"))
    var curves: String?

    @Option(name: .customLong("loss-smoothing"), help: ArgumentHelp(
        "Also draw the loss in curves.svg smoothed by an exponential moving average of this weight, in [0, 1) "
            + "(0.9 spans about 10 iterations).", valueName: "beta"))
    var lossSmoothing: Double?

    @Flag(help: "Replace the --save file even when the new model is no better than chance.")
    var force = false

    @Flag(help: "Stdout carries only JSON lines: one object per epoch, then the summary; the text goes to stderr.")
    var json = false

    @Flag(help: ArgumentHelp(
        "Data-parallel training across the processes of 'mpirun -np N' (a build with the MPI trait).",
        discussion: "Each process takes its share of every minibatch; rank 0 prints and writes the outputs."))
    var distributed = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw ValidationError("--weight-decay must be a non-negative number, got \(weightDecay)")
        }
        if let lossSmoothing, !(0..<1).contains(lossSmoothing) {
            throw ValidationError("--loss-smoothing must be at least 0 and below 1, got \(lossSmoothing)")
        }
        guard weightStd > 0, Float(weightStd).isFinite else {
            throw ValidationError("--weight-std must be a positive number within Float's range, got \(weightStd)")
        }
        guard Float(weightStd) >= .leastNormalMagnitude else {
            throw ValidationError("--weight-std \(weightStd) is below Float's smallest normal number (1.2e-38): "
                                  + "the weights would be subnormal (many times slower) or zero")
        }
        if csvOptions.isEnabled && dataOptions.data != nil { throw ValidationError("give --csv or --data, not both") }
        if csvOptions.isEnabled && outputOptions.inputRange != nil {
            throw ValidationError("--input-range scales MNIST's pixels; for CSV features use --standardize")
        }
    }

    func run() throws {
        kernels.apply()
        guard distributed else { return try run(reducer: nil) }
        let reducer = try DistributedRun.join()
        defer { DistributedRun.finish() }
        try run(reducer: reducer)
    }

    /// The run, as one process of `reducer`'s job when distributed: every process prepares
    /// (checks its outputs, loads its data), then all agree to go on before any trains.
    private func run(reducer: (any GradientReducer)?) throws {
        let leader = (reducer?.rank ?? 0) == 0
        let prepared: (outputs: Outputs, training: Dataset, test: Dataset)
        do {
            // Check every output path before the long part, so a mistake costs nothing: first
            // that no output is an input or another output. Only the first process of a
            // distributed job writes.
            var roles = FileRoles()
            if csvOptions.isEnabled {
                roles.read(csvOptions.csv, option: "--csv")
                roles.read(csvOptions.testCSV, option: "--test-csv")
            } else {
                dataOptions.declare(in: &roles)
            }
            TrainingOutputs.declare(save: leader ? save : nil, curves: leader ? curves : nil, in: &roles)
            try roles.check()
            let outputFiles = try TrainingOutputs(save: leader ? save : nil, curves: leader ? curves : nil)
            // Sized for MNIST's 784 inputs and 10 classes: the data is not loaded yet, and the
            // space reserved by the probe need only be close.
            try outputFiles.checkWritable(modelBytes: TrainingPreflight.modelBytes(
                sizes: (try? network.sizes(inputSize: 784, outputSize: 10)) ?? [784] + network.hiddenSizes + [10]))
            let loadStart = ContinuousClock.now
            let data = try loadData()
            let (trainingSet, validationSet) = try loop.splitValidation(data.train)
            let testSet = data.test
            let loadSeconds = (ContinuousClock.now - loadStart).seconds
            if reducer != nil, try network.normalizesBatches(outputSize: trainingSet.classCount) {
                throw ValidationError("--distributed does not support batch normalization: each process would normalize "
                                      + "its share of the batch with that share's statistics, unlike a run of one process")
            }
            try TrainingPreflight.check(
                inputShape: try network.inputShape(features: trainingSet.featureCount, outputSize: trainingSet.classCount),
                layers: try network.specs(outputSize: trainingSet.classCount), sizeOption: network.sizeOption,
                run: .init(batchSize: batchSize, optimizerSlots: optimizer.stateSlots,
                           configuration: loop.configuration(batchSize: batchSize, seed: seed),
                           lengthOption: loop.lengthOption, writesCurves: outputFiles.curves != nil,
                           savesModel: outputFiles.save != nil),
                trainingSet: trainingSet, testSet: testSet, validationSet: validationSet)
            if let reducer {
                try DistributedRun.applyForcedAlgorithm(to: reducer)
            }
            if let reducer, batchSize < reducer.processCount {
                throw ValidationError("--batch-size \(batchSize) is smaller than the \(reducer.processCount) processes sharing each batch")
            }
            prepared = (Outputs(files: outputFiles, loadSeconds: loadSeconds, data: data, validationSet: validationSet,
                                reducer: reducer),
                        trainingSet, testSet)
        } catch {
            if let reducer {
                try DistributedRun.agree(.init(failure: String(describing: error), optionsHash: 0, dataHash: 0),
                                         reducer: reducer)
            }
            throw error
        }
        if let reducer {
            try DistributedRun.agree(.init(failure: nil, optionsHash: DistributedRun.optionsHash(),
                                           dataHash: DistributedRun.dataHash(prepared.training, prepared.test)),
                                     reducer: reducer)
        }
        switch kernels.backend {
        case .fast: try train(on: FastBackend(), prepared.training, prepared.test, prepared.outputs)
        case .reference: try train(on: ReferenceBackend<Float>(), prepared.training, prepared.test, prepared.outputs)
        }
    }

    private struct Outputs {
        var files: TrainingOutputs
        var loadSeconds: Double
        var data: (train: Dataset, test: Dataset, metadata: [String: String], summary: String)
        /// The rows `--validation-fraction` held out of the training set.
        var validationSet: Dataset?
        /// The job's processes when `--distributed`.
        var reducer: (any GradientReducer)?
    }

    /// MNIST, or the CSV data set of `--csv`, with what a saved model must remember of it.
    private func loadData() throws -> (train: Dataset, test: Dataset, metadata: [String: String], summary: String) {
        if csvOptions.isEnabled { return try csvOptions.load(seed: seed) }
        let directory = try dataOptions.directory()
        let (trainingSet, testSet) = try MNIST.load(from: directory)
        try requireSamples(trainingSet, split: .train, in: directory)
        return (outputOptions.scaled(trainingSet), outputOptions.scaled(testSet), [:],
                "MNIST: \(trainingSet.count) training and \(testSet.count) test images")
    }

    private var weightInitialization: WeightInitialization {
        WeightInitChoice.initialization(weightInit, standardDeviation: weightStd, preset: network.network)
    }

    private func train<Backend: KernelBackend>(on backend: Backend, _ trainingSet: Dataset, _ testSet: Dataset,
                                               _ outputs: Outputs) throws where Backend.Scalar == Float {
        switch optimizer {
        case .sgd:
            try train(on: backend, with: SGD<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        case .momentum:
            try train(on: backend, with: Momentum<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        case .adam:
            try train(on: backend, with: Adam<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        case .nesterov:
            try train(on: backend, with: Nesterov<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        case .adagrad:
            try train(on: backend, with: AdaGrad<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        case .rmsprop:
            try train(on: backend, with: RMSprop<Float>(learningRate: learningRate), trainingSet, testSet, outputs)
        }
    }

    private func train<Backend: KernelBackend, Method: Optimizer>(
        on backend: Backend, with optimizer: Method, _ trainingSet: Dataset, _ testSet: Dataset, _ outputs: Outputs
    ) throws where Backend.Scalar == Float, Method.Scalar == Float {
        var generator = SeededGenerator(seed: seed)
        let network: MultiLayerNet<Backend>
        do {
            network = try MultiLayerNet(inputShape: self.network.inputShape(features: trainingSet.featureCount,
                                                                            outputSize: trainingSet.classCount),
                                        layers: self.network.specs(outputSize: trainingSet.classCount),
                                        weightInitialization: weightInitialization,
                                        biasInitialization: outputOptions.biasInit, output: try outputOptions.outputLayer(),
                                        classTargets: outputOptions.classTargets, backend: backend, generator: &generator)
        } catch let error as LayerShapeError {
            throw CommandError("\(self.network.option): \(error)")
        }
        var configuration = loop.configuration(batchSize: batchSize, seed: seed)
        configuration.weightDecay = weightDecay
        let trainer = Trainer(network: network, optimizer: optimizer, trainingSet: trainingSet,
                              testSet: testSet.count > 0 ? testSet : nil, validationSet: outputs.validationSet,
                              learningRateSchedule: loop.schedule(initialRate: learningRate),
                              configuration: configuration, reducer: outputs.reducer)
        let report = TrainingReport(json: json)
        report.text(describe(network: network, backend: backend, iterationsPerEpoch: trainer.iterationsPerEpoch,
                             data: outputs.data.summary, loadSeconds: outputs.loadSeconds,
                             validationCount: outputs.validationSet?.count))
        report.text(EpochTable.header + (outputs.validationSet == nil ? "" : EpochTable.validationHeader))
        // Output that cannot be shown is no reason to train; a failure later stops after its epoch.
        try report.requireStandardOutput()
        var progress = ProgressLine(total: trainer.totalIterations)
        let start = ContinuousClock.now
        let history: TrainingHistory
        do {
            history = try trainer.train(
                onIteration: { iteration, loss in progress.update(iteration: iteration + 1, loss: loss, since: start) },
                onEpoch: { record in
                    progress.clear()
                    report.epoch(record)
                },
                stopAfterEpoch: { _ in report.stdoutFailed })
        } catch {
            progress.clear()
            let blame = error.isBeforeAnyUpdate && weightInitialization == .standardDeviation(weightStd) ? " (--weight-std \(weightStd))" : ""
            let kept = outputs.files.save.map { "; \($0.path) was not written" } ?? ""
            throw CommandError("training stopped: \(error)\(blame)\(kept)")
        }
        progress.clear()
        if let failure = report.failure {
            let kept = outputs.files.save.map { "; \($0.path) was not written" } ?? ""
            throw CommandError("\(failure) (training stopped after epoch \(history.epochs.last?.epoch ?? 0))\(kept)")
        }
        let seconds = (ContinuousClock.now - start).seconds
        let iterations = trainer.completedIterations
        // The last epoch's evaluation is the final one when it came after the last iteration;
        // early stopping's is the one whose parameters it restored.
        let final: (train: Double, test: Double?, validation: (loss: Double, accuracy: Double)?)
        if let best = history.epochs.first(where: { $0.epoch == history.bestEpoch }) {
            final = (best.trainAccuracy, best.testAccuracy, best.validationLoss.map { ($0, best.validationAccuracy ?? .nan) })
            report.text("early stopping: kept epoch \(best.epoch), the lowest validation loss "
                  + String(format: "%.4f", best.validationLoss ?? .nan))
        } else if let last = history.epochs.last, last.iteration == iterations {
            final = (last.trainAccuracy, last.testAccuracy, last.validationLoss.map { ($0, last.validationAccuracy ?? .nan) })
        } else {
            let (train, test) = trainer.evaluate()
            final = (train, test, trainer.validate())
        }
        let (trainAccuracy, testAccuracy) = (final.train, final.test)
        // The minibatch loss that goes with the parameters kept: early stopping's best epoch's.
        let finalLoss = history.epochs.first(where: { $0.epoch == history.bestEpoch })?.loss ?? history.losses.last ?? .nan
        report.text(String(format: "done: train accuracy %.4f, %@, final loss %.4f, "
                     + "%d iterations in %.2f s (%.0f iterations/s, evaluations included)",
                     trainAccuracy, accuracyText(testAccuracy, of: .test, mnist: !csvOptions.isEnabled), finalLoss,
                     iterations, seconds, Double(iterations) / seconds))
        // Every process gathers the exchange's figures; rank 0 reports them.
        let exchange = trainer.exchangeStatistics()
        if let reducer = outputs.reducer, let exchange {
            report.text(String(format: "distributed over %d processes: %.1f µs per step summing gradients, "
                               + "%.0f bytes sent and %.0f received per step for a gradient of %d bytes",
                               reducer.processCount, exchange.secondsPerStep * 1e6, exchange.bytesSentPerStep,
                               exchange.bytesReceivedPerStep, exchange.gradientBytes))
        }
        try RunVerdict.requireBetterThanChance(accuracy: testAccuracy ?? trainAccuracy,
                                               on: testAccuracy == nil ? trainingSet : testSet,
                                               setName: testAccuracy == nil ? "train" : "test",
                                               save: outputs.files.save, force: force)
        // Encoded only to be saved: the file's bytes are a second copy of every parameter.
        let model = outputs.files.save == nil ? nil : ModelFile.encode(network, metadata: [
            "train_accuracy": String(trainAccuracy), "test_accuracy": testAccuracy.map { String($0) } ?? "none",
            "iterations": String(iterations), "seed": String(seed),
        ].merging(outputs.data.metadata) { $1 }.merging(ModelInputs.metadata(range: outputOptions.inputRange)) { $1 })
        let curves = LearningCurves(history: history, lossSmoothing: lossSmoothing)
        try outputs.files.write(model: model, curves: curves).forEach { report.text($0) }
        try report.summary([
            "train_accuracy": trainAccuracy, "test_accuracy": testAccuracy ?? NSNull(), "final_loss": finalLoss,
            "iterations": iterations, "seconds": seconds, "backend": backend.name,
        ].merging(TrainingLoopOptions.jsonFields(validation: final.validation, bestEpoch: history.bestEpoch),
                  uniquingKeysWith: { $1 })
         .merging(exchange.map(DistributedRun.jsonFields) ?? [:], uniquingKeysWith: { $1 }))
    }

    private func describe<Backend: KernelBackend>(network: MultiLayerNet<Backend>, backend: Backend,
                                                  iterationsPerEpoch: Int, data: String,
                                                  loadSeconds: Double, validationCount: Int?) -> String {
        let kernelsText = backend is FastBackend
            ? "fast (\(FastBackend.instructionSet), \(FastBackend.threadCount) thread\(FastBackend.threadCount == 1 ? "" : "s"))"
            : backend.name
        return """
            \(data) (loaded in \(String(format: "%.2f", loadSeconds)) s)
            network \(network.architectureDescription)\(weightDecay > 0 ? ", weight decay \(weightDecay)" : ""), \
            \(optimizer.rawValue) lr \(learningRate), batch \(batchSize), \
            \(loop.summary(iterationsPerEpoch: iterationsPerEpoch, validationCount: validationCount)), \
            seed \(seed), backend \(kernelsText)\
            \(outputOptions.summary.isEmpty ? "" : "\n" + outputOptions.summary)
            """
    }
}

/// The per-epoch lines: `epoch  train-acc  test-acc  loss  elapsed`.
enum EpochTable {
    static let header = "epoch  train-acc  test-acc     loss  elapsed"
    /// The columns added when there is a validation set.
    static let validationHeader = "  val-loss  val-acc"

    static func row(_ record: TrainingHistory.EpochRecord) -> String {
        let test = record.testAccuracy.map { String(format: "%8.4f", $0) } ?? "       -"
        return String(format: "%5d  %9.4f  ", record.epoch, record.trainAccuracy) + test
            + String(format: "  %7.4f  %6.2fs", record.loss, record.elapsedSeconds)
            + (record.validationLoss.map { String(format: "  %8.4f  %7.4f", $0, record.validationAccuracy ?? .nan) } ?? "")
    }
}
