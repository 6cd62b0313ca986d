import ArgumentParser
import Backprop
import Foundation

/// `backprop train`: minibatch training on MNIST with the book's settings by default
/// (784-50-10, ReLU, weight std 0.01, batch 100, SGD with learning rate 0.1, 10,000 iterations,
/// train and test accuracy every epoch of 600 iterations). On a CSV file the defaults fit a
/// small table instead: 100 epochs, batches of min(32, training rows), He initialization.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on MNIST or a CSV file: classes (--label-column) or real values (--target-column, "
            + "a regression). Defaults: the book's TwoLayerNet run on MNIST.",
        discussion: "The epoch table: train-acc and test-acc are the accuracies on the whole training and test sets "
            + "after the epoch (a regression shows RMSE and R² instead); loss is the epoch's mean training loss (the "
            + "mean of the minibatch losses of the steps since the previous row, each measured before its update, "
            + "weight decay's term included); val-loss is the mean loss over the validation set after the epoch. A "
            + "table of more than 50 rows shows every k-th epoch, the first and the last; --json writes every epoch.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var csvOptions: CSVOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var loopOptions: TrainingLoopOptions
    @OptionGroup var network: NetworkOptions

    /// The run's length and steering, with the length `--csv` data gets by default.
    var loop: TrainingLoopOptions { loopOptions.fittingData(csv: csvOptions.isEnabled) }

    /// The batch of a `--csv` run without `--batch-size` (or the training rows, if fewer):
    /// the usual small-data default, where the book's 100 would be most of a table.
    static let defaultCSVBatchSize = 32

    @Option(name: .customLong("batch-size"), help: ArgumentHelp(
        "Samples per minibatch (default: 100, the book's, on MNIST; min(32, training rows) with --csv).", valueName: "n"))
    var requestedBatchSize: Int?

    /// The batch size for `trainingRows` training rows: `--batch-size`, else the book's 100
    /// on MNIST and min(32, rows) on a CSV file.
    func batchSize(trainingRows: Int) -> Int {
        requestedBatchSize ?? (csvOptions.isEnabled ? min(Self.defaultCSVBatchSize, trainingRows) : 100)
    }

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp(
        "Learning rate of the optimizer (default: 0.1 for sgd, the book's TwoLayerNet run; 0.01 for momentum, "
            + "nesterov, adagrad and rmsprop; 0.001 for adam).", valueName: "rate"))
    var requestedLearningRate: Double?

    /// The rate asked for, or the optimizer's usual one.
    var learningRate: Double { requestedLearningRate ?? optimizer.defaultLearningRate }

    @Option(help: "Update rule: sgd, momentum (0.9), adam, nesterov (0.9), adagrad or rmsprop (decay 0.99).")
    var optimizer: OptimizerChoice = .sgd

    @Option(name: .customLong("weight-init"), help: ArgumentHelp(
        "Initial weights: std (fixed --weight-std), he or xavier (default: std 0.01, the book's, for one hidden layer "
            + "on MNIST; he with --csv, for more than one hidden layer and for --network deep-convnet).",
        valueName: "init"))
    var weightInit: WeightInitChoice?

    @Option(name: .customLong("weight-std"), help: ArgumentHelp(
        "Standard deviation for --weight-init std (default 0.01); given alone it means --weight-init std.",
        valueName: "std"))
    var requestedWeightStd: Double?

    /// The standard deviation of `--weight-init std`: the book's `weight_init_std`, 0.01, unless given.
    var weightStd: Double { requestedWeightStd ?? 0.01 }

    @Option(name: .customLong("initial-model"), help: ArgumentHelp(
        "Start from this model (a 'train --save' file, numpy or PyTorch layout) instead of random weights: "
            + "resume or fine-tune. The data must fit its inputs and classes; its input scaling is applied and kept.",
        valueName: "file"))
    var initialModel: String?

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
        if let requestedBatchSize, requestedBatchSize < 1 {
            throw ValidationError("--batch-size must be at least 1, got \(requestedBatchSize)")
        }
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
        if csvOptions.file.isRegression
            && (outputOptions.output != .softmax || outputOptions.loss != nil || outputOptions.smoothTargets) {
            throw ValidationError("--output, --loss and --smooth-targets are for classes: a regression (--target-column) "
                                  + "has identity outputs with mse")
        }
        if csvOptions.file.isRegression && distributed {
            throw ValidationError("--distributed does not support regression (--target-column) yet")
        }
        if csvOptions.isEnabled && outputOptions.inputRange != nil {
            throw ValidationError("--input-range scales MNIST's pixels; for CSV features use --standardize")
        }
        if initialModel != nil {
            let scaling = [(csvOptions.standardize, "--standardize"), (outputOptions.inputRange != nil, "--input-range")]
            if let option = scaling.first(where: \.0)?.1 {
                throw ValidationError("\(option) with --initial-model: the model's own input scaling is applied "
                                      + "(the one it was trained with); drop \(option)")
            }
            let initialization = [(weightInit != nil, "--weight-init"), (requestedWeightStd != nil, "--weight-std"),
                                  (outputOptions.biasInit != .zero, "--bias-init")]
            if let option = initialization.first(where: \.0)?.1 {
                throw ValidationError("\(option) with --initial-model: the weights come from the file")
            }
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
            roles.read(initialModel, option: "--initial-model")
            TrainingOutputs.declare(save: leader ? save : nil, curves: leader ? curves : nil, in: &roles)
            try roles.check()
            // Read (and checked against the network options) before the data: a file that
            // does not fit costs nothing.
            let initial = try initialModel.map { _ in try loadInitialModel(on: ReferenceBackend<Float>()) }
            let outputFiles = try TrainingOutputs(save: leader ? save : nil, curves: leader ? curves : nil)
            // Sized for MNIST's 784 inputs and 10 classes: the data is not loaded yet, and the
            // space reserved by the probe need only be close.
            try outputFiles.checkWritable(modelBytes: TrainingPreflight.modelBytes(
                sizes: initial?.network.sizes
                    ?? (try? network.sizes(inputSize: 784, outputSize: 10)) ?? [784] + network.hiddenSizes + [10]))
            let loadStart = ContinuousClock.now
            let data = try loadData(initial: initial)
            let (trainingSet, validationSet) = try loop.splitValidation(data.train, seed: seed)
            let testSet = data.test
            let loadSeconds = (ContinuousClock.now - loadStart).seconds
            let batchSize = self.batchSize(trainingRows: trainingSet.count)
            let normalizes = try initial.map { $0.network.spec.contains { if case .batchNorm = $0 { true } else { false } } }
                ?? network.normalizesBatches(outputSize: trainingSet.targetCount)
            if reducer != nil, normalizes {
                throw ValidationError("--distributed does not support batch normalization: each process would normalize "
                                      + "its share of the batch with that share's statistics, unlike a run of one process")
            }
            try TrainingPreflight.check(
                inputShape: try initial?.network.inputShape
                    ?? network.inputShape(features: trainingSet.featureCount, outputSize: trainingSet.targetCount),
                layers: try initial?.network.spec ?? network.specs(outputSize: trainingSet.targetCount),
                sizeOption: network.sizeOption,
                run: .init(batchSize: batchSize, optimizerSlots: optimizer.stateSlots,
                           configuration: loop.configuration(batchSize: batchSize, seed: seed),
                           lengthOption: loop.lengthOption, writesCurves: outputFiles.curves != nil,
                           savesModel: outputFiles.save != nil, samples: csvOptions.isEnabled ? "rows" : "images"),
                trainingSet: trainingSet, testSet: testSet, validationSet: validationSet)
            if let reducer {
                try DistributedRun.applyForcedAlgorithm(to: reducer)
            }
            if let reducer, batchSize < reducer.processCount {
                throw ValidationError("--batch-size \(batchSize) is smaller than the \(reducer.processCount) processes sharing each batch")
            }
            prepared = (Outputs(files: outputFiles, loadSeconds: loadSeconds, data: data, validationSet: validationSet,
                                reducer: reducer, batchSize: batchSize),
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
        var data: CSVData
        /// The rows `--validation-fraction` held out of the training set.
        var validationSet: Dataset?
        /// The job's processes when `--distributed`.
        var reducer: (any GradientReducer)?
        /// The minibatch size, `--batch-size` or the default for the data.
        var batchSize: Int
    }

    /// MNIST, or the CSV data set of `--csv`, with what a saved model must remember of it.
    /// Starting from an `initial` model, the data must fit it and gets its input scaling (and a
    /// regression's target scaling), and the model's metadata (scaling, class names, …) is kept
    /// under the new run's.
    private func loadData(initial: ImportedModel<ReferenceBackend<Float>>?) throws -> CSVData {
        var data: CSVData
        if csvOptions.isEnabled {
            data = try csvOptions.load(seed: seed)
        } else {
            let directory = try dataOptions.directory()
            let (trainingSet, testSet) = try MNIST.load(from: directory)
            try requireSamples(trainingSet, split: .train, in: directory)
            data = CSVData(train: outputOptions.scaled(trainingSet), test: outputOptions.scaled(testSet), metadata: [:],
                           summary: "MNIST: \(trainingSet.count) training and \(testSet.count) test images", targets: nil)
        }
        guard let initial, let initialModel else { return data }
        try requireModel(initial.network, in: initialModel, fits: data.train.featureCount, classes: data.train.targetCount,
                         of: csvOptions.csv ?? "MNIST")
        let inputs = try ModelInputs(metadata: initial.metadata, featureCount: initial.network.inputSize, source: initialModel)
        data.train.inputs = inputs.apply(to: data.train.inputs)
        data.test.inputs = inputs.apply(to: data.test.inputs)
        data.metadata = initial.metadata.merging(data.metadata) { $1 }.merging(inputs.metadata) { $1 }
        if let names = data.targets?.names,
           let scaling = try RegressionTargets(metadata: initial.metadata, outputCount: initial.network.outputSize,
                                               source: initialModel)?.scaling {
            // The file's network predicts standardized targets: train it on targets scaled alike.
            data.train.values = scaling.apply(to: data.train.values!)
            data.test.values = scaling.apply(to: data.test.values!)
            data.targets = RegressionTargets(names: names, scaling: scaling)
            data.metadata.merge(data.targets!.metadata) { $1 }
        }
        if !inputs.summary.isEmpty { data.summary += ", \(inputs.summary) as \(initialModel) was" }
        return data
    }

    /// The `--initial-model` file on `backend`, checked against the network options: when
    /// they describe a network (`--hidden`, `--layers`, …) it must be the file's. Its hidden
    /// activation and layer list, for a file that does not record them, are `--activation`'s
    /// and `--layers`'. The second read, on the training backend, repeats no notes.
    private func loadInitialModel<Backend: KernelBackend>(on backend: Backend, notes: Bool = true) throws
        -> ImportedModel<Backend> {
        let path = initialModel!
        let imported = try ModelOptions.load(path, layers: network.layers, activation: network.activation,
                                             on: backend, notes: notes)
        try requireFiniteParameters(of: imported.network, in: path)
        if network.describesShape && network.layers == nil {
            let file = LayerSpec.description(of: imported.network.spec)
            let asked = try LayerSpec.description(of: network.specs(outputSize: imported.network.outputSize))
            guard file == asked else {
                throw CommandError("--initial-model \(path): the file's network is \(file), but \(network.option) "
                                   + "describes \(asked); leave the shape options out to train the file's network")
            }
        }
        return imported
    }

    /// The initial weights: `--weight-init`/`--weight-std` when given, else a preset
    /// network's own, else He's for a CSV file or more than one hidden layer (where the
    /// book's 0.01 shrinks the signal layer after layer; 0.9625 instead of 0.9738 on MNIST
    /// with two hidden layers of 100), else the book's std 0.01, so `backprop train` stays
    /// the book's run.
    private var weightInitialization: WeightInitialization {
        WeightInitChoice.initialization(weightInit, standardDeviation: weightStd,
                                        standardDeviationGiven: requestedWeightStd != nil,
                                        prefersHe: csvOptions.isEnabled || network.hiddenLayerCount > 1,
                                        preset: network.network)
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
        if initialModel != nil {
            network = try loadInitialModel(on: backend, notes: false).network
        } else { do {
            network = try MultiLayerNet(inputShape: self.network.inputShape(features: trainingSet.featureCount,
                                                                            outputSize: trainingSet.targetCount),
                                        layers: self.network.specs(outputSize: trainingSet.targetCount),
                                        weightInitialization: weightInitialization,
                                        biasInitialization: outputOptions.biasInit,
                                        output: trainingSet.isRegression ? .identity : try outputOptions.outputLayer(),
                                        classTargets: outputOptions.classTargets, backend: backend, generator: &generator)
        } catch let error as LayerShapeError {
            throw CommandError("\(self.network.option): \(error)")
        } }
        let batchSize = outputs.batchSize
        var configuration = loop.configuration(batchSize: batchSize, seed: seed)
        configuration.weightDecay = weightDecay
        let trainer = Trainer(network: network, optimizer: optimizer, trainingSet: trainingSet,
                              testSet: testSet.count > 0 ? testSet : nil, validationSet: outputs.validationSet,
                              learningRateSchedule: loop.schedule(initialRate: learningRate),
                              configuration: configuration, reducer: outputs.reducer)
        trainer.targetScaling = outputs.data.targets?.scaling
        let regression = trainingSet.isRegression
        let report = TrainingReport(json: json)
        report.text(describe(network: network, backend: backend, batchSize: batchSize,
                             iterationsPerEpoch: trainer.iterationsPerEpoch,
                             data: outputs.data.summary, loadSeconds: outputs.loadSeconds,
                             validationCount: outputs.validationSet?.count))
        report.text(regression
            ? EpochTable.regressionHeader + (outputs.validationSet == nil ? "" : EpochTable.regressionValidationHeader)
            : EpochTable.header + (outputs.validationSet == nil ? "" : EpochTable.validationHeader))
        let evaluations = configuration.evaluationCount(trainingSetSize: trainingSet.count) ?? 0
        let rowStride = EpochTable.stride(evaluations: evaluations)
        var evaluationsDone = 0
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
                    evaluationsDone += 1
                    report.epoch(record, showingRow: EpochTable.shows(evaluationsDone, of: evaluations, stride: rowStride))
                },
                stopAfterEpoch: { _ in report.stdoutFailed })
        } catch {
            progress.clear()
            let blame = error.isBeforeAnyUpdate && initialModel == nil && weightInitialization == .standardDeviation(weightStd)
                ? " (--weight-std \(weightStd))" : ""
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
        // The training loss that goes with the parameters kept: early stopping's best epoch's
        // mean, else the last step's.
        let finalLoss = history.epochs.first(where: { $0.epoch == history.bestEpoch })?.loss ?? history.losses.last ?? .nan
        if regression {
            return try finishRegression(network: network, trainer: trainer, history: history, finalLoss: finalLoss,
                                        seconds: (ContinuousClock.now - start).seconds, testSet: testSet, outputs: outputs,
                                        backendName: backend.name, report: report)
        }
        let (trainAccuracy, testAccuracy) = (final.train, final.test)
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
        // The run's own entries win over the data's, which hold an initial model's old ones.
        let model = outputs.files.save == nil ? nil : ModelFile.encode(network, metadata: outputs.data.metadata.merging([
            "train_accuracy": String(trainAccuracy), "test_accuracy": testAccuracy.map { String($0) } ?? "none",
            "iterations": String(iterations), "seed": String(seed),
        ]) { $1 }.merging(ModelInputs.metadata(range: outputOptions.inputRange)) { $1 })
        let curves = LearningCurves(history: history, lossSmoothing: lossSmoothing)
        try outputs.files.write(model: model, curves: curves).forEach { report.text($0) }
        try report.summary([
            "train_accuracy": trainAccuracy, "test_accuracy": testAccuracy ?? NSNull(), "final_loss": finalLoss,
            "iterations": iterations, "seconds": seconds, "backend": backend.name,
        ].merging(TrainingLoopOptions.jsonFields(validation: final.validation, bestEpoch: history.bestEpoch),
                  uniquingKeysWith: { $1 })
         .merging(exchange.map(DistributedRun.jsonFields) ?? [:], uniquingKeysWith: { $1 }))
    }

    /// The end of a regression run: its metrics (RMSE, MAE, R² on the training, test and
    /// validation sets, in the targets' units) instead of accuracies, the verdict against the
    /// mean predictor, the saved model with its targets, and the summary.
    private func finishRegression<Backend: KernelBackend, Method: Optimizer>(
        network: MultiLayerNet<Backend>, trainer: Trainer<Backend, Method>, history: TrainingHistory, finalLoss: Double,
        seconds: Double, testSet: Dataset, outputs: Outputs, backendName: String, report: TrainingReport
    ) throws where Backend.Scalar == Float {
        let iterations = trainer.completedIterations
        // As for a classifier: the evaluation of the parameters kept (early stopping's best, or
        // the last epoch's when it came after the last iteration), else a new one.
        let record = history.epochs.first(where: { $0.epoch == history.bestEpoch })
            ?? history.epochs.last.flatMap { $0.iteration == iterations ? $0 : nil }
        let train: RegressionMetrics, test: RegressionMetrics?, validation: RegressionMetrics?
        if let record, let recorded = record.trainMetrics {
            (train, test, validation) = (recorded, record.testMetrics, record.validationMetrics)
        } else {
            let measured = trainer.evaluateRegression()!
            (train, test, validation) = (measured.train, measured.test, trainer.validateRegression())
        }
        report.text(String(format: "done: train RMSE %.4f R² %.4f, %@, final loss %.4f, "
                           + "%d iterations in %.2f s (%.0f iterations/s, evaluations included)",
                           train.rmse, train.r2,
                           test.map { String(format: "test RMSE %.4f MAE %.4f R² %.4f", $0.rmse, $0.mae, $0.r2) } ?? "no test set",
                           finalLoss, iterations, seconds, Double(iterations) / seconds))
        try RunVerdict.requireBetterThanMean(r2: test?.r2 ?? train.r2, setName: test == nil ? "train" : "test",
                                             save: outputs.files.save, force: force)
        var fields: [String: Any] = ["final_loss": finalLoss, "iterations": iterations, "seconds": seconds,
                                     "backend": backendName]
        fields.merge(RegressionFields.json(train, prefix: "train")) { $1 }
        fields.merge(test.map { RegressionFields.json($0, prefix: "test") } ?? ["test_r2": NSNull()]) { $1 }
        if let validation { fields.merge(RegressionFields.json(validation, prefix: "validation")) { $1 } }
        if let bestEpoch = history.bestEpoch { fields["best_epoch"] = bestEpoch }
        if let validationLoss = record?.validationLoss { fields["validation_loss"] = validationLoss }
        let model = outputs.files.save == nil ? nil : ModelFile.encode(network, metadata: [
            "train_r2": String(train.r2), "test_r2": test.map { String($0.r2) } ?? "none",
            "iterations": String(iterations), "seed": String(seed),
        ].merging(outputs.data.metadata) { $1 })
        let curves = LearningCurves(history: history, lossSmoothing: lossSmoothing)
        try outputs.files.write(model: model, curves: curves).forEach { report.text($0) }
        try report.summary(fields)
    }

    private func describe<Backend: KernelBackend>(network: MultiLayerNet<Backend>, backend: Backend, batchSize: Int,
                                                  iterationsPerEpoch: Int, data: String,
                                                  loadSeconds: Double, validationCount: Int?) -> String {
        let initialization = initialModel.map { "weights from \($0)" } ?? {
            switch weightInitialization {
            case .he: "He weights"
            case .xavier: "Xavier weights"
            case .standardDeviation(let std): "weights std \(std)"
            }
        }()
        let kernelsText = backend is FastBackend
            ? "fast (\(FastBackend.instructionSet), \(FastBackend.threadCount) thread\(FastBackend.threadCount == 1 ? "" : "s"))"
            : backend.name
        return """
            \(data) (loaded in \(String(format: "%.2f", loadSeconds)) s)
            network \(network.architectureDescription), \(initialization)\
            \(weightDecay > 0 ? ", weight decay \(weightDecay)" : ""), \
            \(optimizer.rawValue) lr \(learningRate), batch \(batchSize), \
            \(loop.summary(iterationsPerEpoch: iterationsPerEpoch, validationCount: validationCount)), \
            seed \(seed), backend \(kernelsText)\
            \(outputOptions.summary.isEmpty ? "" : "\n" + outputOptions.summary)
            """
    }
}

/// The per-epoch lines: `epoch  train-acc  test-acc  loss  elapsed`, or for a regression
/// `epoch  train-rmse  train-r2  test-rmse  test-r2  loss  elapsed` (RMSE in the targets' units).
enum EpochTable {
    /// The most rows the table shows before it thins to every k-th epoch: a screenful, where
    /// 100 epochs of a CSV run (or 10,000 of the book's "epochs" on a small table) would scroll
    /// the beginning away. `--json` keeps every epoch.
    static let maximumRows = 50

    /// Every how many evaluations a table of `evaluations` rows shows one: 1 up to
    /// ``maximumRows``, then ⌈evaluations / maximumRows⌉.
    static func stride(evaluations: Int) -> Int {
        max(1, (evaluations + maximumRows - 1) / maximumRows)
    }

    /// Whether the `number`-th evaluation (from 1) of `evaluations` gets a row: the first, the
    /// last and every `stride`-th.
    static func shows(_ number: Int, of evaluations: Int, stride: Int) -> Bool {
        number == 1 || number >= evaluations || number % stride == 0
    }

    static let header = "epoch  train-acc  test-acc     loss  elapsed"
    /// The columns added when there is a validation set.
    static let validationHeader = "  val-loss  val-acc"
    /// A regression's header.
    static let regressionHeader = "epoch  train-rmse  train-r2  test-rmse   test-r2     loss  elapsed"
    /// A regression's columns added when there is a validation set.
    static let regressionValidationHeader = "  val-loss   val-r2"

    static func row(_ record: TrainingHistory.EpochRecord) -> String {
        if let train = record.trainMetrics {
            let test = record.testMetrics.map { String(format: "%9.4f  %8.4f", $0.rmse, $0.r2) } ?? "        -         -"
            return String(format: "%5d  %10.4f  %8.4f  ", record.epoch, train.rmse, train.r2) + test
                + String(format: "  %7.4f  %6.2fs", record.loss, record.elapsedSeconds)
                + (record.validationLoss.map { String(format: "  %8.4f  %7.4f", $0, record.validationMetrics?.r2 ?? .nan) } ?? "")
        }
        let test = record.testAccuracy.map { String(format: "%8.4f", $0) } ?? "       -"
        return String(format: "%5d  %9.4f  ", record.epoch, record.trainAccuracy) + test
            + String(format: "  %7.4f  %6.2fs", record.loss, record.elapsedSeconds)
            + (record.validationLoss.map { String(format: "  %8.4f  %7.4f", $0, record.validationAccuracy ?? .nan) } ?? "")
    }
}

/// A regression's metrics as JSON fields: `<prefix>_rmse`, `<prefix>_mae`, `<prefix>_r2`.
enum RegressionFields {
    static func json(_ metrics: RegressionMetrics, prefix: String) -> [String: Any] {
        ["\(prefix)_rmse": metrics.rmse, "\(prefix)_mae": metrics.mae, "\(prefix)_r2": metrics.r2]
    }
}
