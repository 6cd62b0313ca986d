import Backprop
import Foundation

/// A CSV file as a regression model sees it (`predict` and `evaluate`): its feature columns,
/// checked against the ones the model was trained on and transformed as the model's inputs
/// were, and the values of its target columns when the file has them.
struct RegressionCSV {
    /// The model's inputs, one row per data row.
    var inputs: Tensor<Float>
    /// The target columns' values in the targets' units; nil when the file lacks them and
    /// they were not required.
    var values: Tensor<Float>?

    /// Reads `path` (with `file`'s delimiter and column choice) for `model`, whose targets are
    /// `targets`. With `requireTargets` every target column must be present; otherwise they are
    /// taken out when present.
    init<Backend: KernelBackend>(path: String, model: ImportedModel<Backend>, targets: RegressionTargets,
                                 options: ModelOptions, file: CSVFileOptions, requireTargets: Bool) throws {
        let table = try file.table(at: path, labelColumn: nil)
        let parts = try table.separatingTargets(targets.names, required: requireTargets)
        if let expected = try CSVTable.featureColumns(recordedIn: model.metadata, model: options.model),
           expected != parts.featureColumns {
            throw CSVDataError.columnsDiffer(path: path, expected: expected, found: parts.featureColumns)
        }
        guard parts.features.columns == model.network.inputSize else {
            throw CommandError("\(path): \(parts.features.columns) feature columns, but \(options.model) "
                               + "takes \(model.network.inputSize) inputs")
        }
        inputs = try options.inputs(of: model).apply(to: parts.features)
        values = parts.values
    }
}
