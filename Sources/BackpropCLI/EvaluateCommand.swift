import ArgumentParser
import Backprop
import Foundation

/// `backprop evaluate --model FILE`: the accuracy of a saved model on MNIST or on a CSV file
/// (`--csv` with `--label-column`), or a regression model's RMSE, MAE and R² on a CSV file
/// holding its target columns (`--csv` alone).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the MNIST train and test accuracy of a model (from 'train --save', numpy or PyTorch), "
            + "its accuracy on a CSV file (--csv FILE --label-column NAME; class names compared by name), or a "
            + "regression model's RMSE, MAE and R² on a CSV file holding its target columns (--csv FILE).")

    @OptionGroup var modelOptions: ModelOptions
    private var model: String { modelOptions.model }

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var csvFile: CSVFileOptions

    @Flag(help: ArgumentHelp("Print one JSON line: train_accuracy, test_accuracy, sizes (with --csv: accuracy, "
                             + "samples, sizes; for a regression model rmse, mae, r2, rows, sizes)."))
    var json = false

    func validate() throws {
        if csvFile.csv != nil {
            if dataOptions.data != nil { throw ValidationError("give --csv or --data, not both") }
        } else if csvFile.labelColumn != nil {
            throw ValidationError("--label-column needs --csv")
        }
        if !csvFile.targetColumns.isEmpty {
            throw ValidationError("evaluate --csv reads the target columns the model records: leave out --target-column")
        }
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
        if let csv = csvFile.csv, csvFile.labelColumn == nil { return try evaluateRegression(imported, on: csv) }
        let inputs = try modelOptions.inputs(of: imported)
        if let csv = csvFile.csv {
            let (features, labels) = try csvFile.samples(at: csv, for: imported, from: model)
            let samples = try Dataset(features: inputs.apply(to: features).scalars, featureCount: features.columns,
                                      labels: labels!, classCount: network.outputSize)
            let csvAccuracy = accuracy(of: network, on: samples)!
            if json {
                try StandardOutput.line(try jsonLine(["accuracy": csvAccuracy, "samples": samples.count,
                                                      "sizes": network.sizes.map(String.init).joined(separator: "-")]))
            } else {
                try StandardOutput.line(String(format: "model %@ (%@): accuracy %.4f on %d samples of %@", model,
                                               network.architectureDescription, csvAccuracy, samples.count, csv))
            }
            return
        }
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
                               + "give --label-column NAME)")
        }
        let data = try RegressionCSV(path: path, model: imported, targets: targets, options: modelOptions,
                                     file: csvFile, requireTargets: true)
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
