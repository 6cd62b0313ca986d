import ArgumentParser
import Backprop
import Foundation

/// `backprop evaluate --model FILE`: the accuracy of a saved model on MNIST, or with `--csv`
/// a regression model's RMSE, MAE and R² on a CSV file holding its target columns.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the MNIST train and test accuracy of a model (from 'train --save', numpy or PyTorch), "
            + "or a regression model's RMSE, MAE and R² on a CSV file (--csv).")

    @OptionGroup var modelOptions: ModelOptions
    private var model: String { modelOptions.model }

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions

    @Option(help: ArgumentHelp("A CSV file with the regression model's feature and target columns: report its RMSE, "
                               + "MAE and R² (in the targets' units) instead of MNIST accuracies.", valueName: "file"))
    var csv: String?

    @Flag(help: "Print one JSON line: train_accuracy, test_accuracy, sizes (with --csv: rmse, mae, r2, rows, sizes).")
    var json = false

    func validate() throws {
        if csv != nil && dataOptions.data != nil { throw ValidationError("give --csv or --data, not both") }
    }

    func run() throws {
        kernels.apply()
        switch kernels.backend {
        case .fast: try evaluate(try modelOptions.load(on: FastBackend()))
        case .reference: try evaluate(try modelOptions.load(on: ReferenceBackend<Float>()))
        }
    }

    private func evaluate<Backend: KernelBackend>(_ imported: ImportedModel<Backend>) throws where Backend.Scalar == Float {
        let network = imported.network
        try requireFiniteParameters(of: network, in: model)
        if let csv { return try evaluateRegression(imported, on: csv) }
        let inputs = try modelOptions.inputs(of: imported)
        var (trainingSet, testSet) = try MNIST.load(from: try dataOptions.directory())
        try requireModel(network, in: model, fits: trainingSet.featureCount, classes: trainingSet.classCount, of: "MNIST")
        trainingSet.inputs = inputs.apply(to: trainingSet.inputs)
        testSet.inputs = inputs.apply(to: testSet.inputs)
        let trainAccuracy = accuracy(of: network, on: trainingSet)
        let testAccuracy = accuracy(of: network, on: testSet)
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        if json {
            try StandardOutput.line(try jsonLine(["train_accuracy": trainAccuracy ?? NSNull(), "test_accuracy": testAccuracy ?? NSNull(),
                                "sizes": sizes]))
        } else {
            try StandardOutput.line("model \(model) (\(network.architectureDescription)): \(accuracyText(trainAccuracy, of: .train)), "
                  + accuracyText(testAccuracy, of: .test))
        }
    }

    /// `--csv`: a regression model's metrics on the file, in the targets' units.
    private func evaluateRegression<Backend: KernelBackend>(_ imported: ImportedModel<Backend>, on path: String) throws
        where Backend.Scalar == Float
    {
        let network = imported.network
        guard let targets = try RegressionTargets(metadata: imported.metadata, outputCount: network.outputSize,
                                                  source: model) else {
            throw CommandError("--csv: \(model) is a classifier, not a regression model (for its accuracy on a CSV file "
                               + "use predict --csv --label-column)")
        }
        let data = try RegressionCSV(path: path, model: imported, targets: targets, options: modelOptions,
                                     requireTargets: true)
        let predictions = targets.values(fromOutputs: network.predictions(data.inputs))
        let metrics = RegressionMetrics(predictions: predictions, targets: data.values!)
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        if json {
            try StandardOutput.line(try jsonLine(["rmse": metrics.rmse, "mae": metrics.mae, "r2": metrics.r2,
                                                  "rows": predictions.rows, "sizes": sizes]))
        } else {
            try StandardOutput.line(String(format: "model %@ (%@): RMSE %.4f, MAE %.4f, R² %.4f on %d rows of %@",
                                           model, network.architectureDescription, metrics.rmse, metrics.mae, metrics.r2,
                                           predictions.rows, path))
        }
    }
}
