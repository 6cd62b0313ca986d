import ArgumentParser
import Backprop
import Foundation

/// `--csv FILE` and `--label-column NAME`: a CSV file of numeric features with a header row,
/// and the column that holds each row's class (train needs it, predict uses it for accuracy).
struct CSVFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A CSV file with a header row; every column but --label-column is a numeric feature "
                               + "(train: instead of MNIST).", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("label-column"),
            help: ArgumentHelp("The CSV column holding each row's class (0, 1, 2, ...).", valueName: "name"))
    var labelColumn: String?
}

/// `train --csv FILE --label-column NAME`: a tabular data set instead of MNIST, tested on a
/// second file or a seeded random part of the first, optionally standardized.
struct CSVOptions: ParsableArguments {
    @OptionGroup var file: CSVFileOptions
    var csv: String? { file.csv }
    var labelColumn: String? { file.labelColumn }

    @Option(name: .customLong("test-csv"), help: ArgumentHelp("A CSV file of test samples with the same columns.",
                                                              valueName: "file"))
    var testCSV: String?

    @Option(name: .customLong("test-fraction"),
            help: ArgumentHelp("Without --test-csv: the part of --csv held out for testing (default 0.2).",
                               valueName: "fraction"))
    var testFraction: Double?

    @Flag(help: "Standardize each feature with the training set's mean and deviation (stored in the saved model).")
    var standardize = false

    var isEnabled: Bool { csv != nil }

    func validate() throws {
        guard csv != nil else {
            let stray = [(labelColumn != nil, "--label-column"), (testCSV != nil, "--test-csv"),
                         (testFraction != nil, "--test-fraction"), (standardize, "--standardize")]
            if let option = stray.first(where: \.0) {
                throw ValidationError("\(option.1) needs --csv")
            }
            return
        }
        guard labelColumn != nil else { throw ValidationError("--csv needs --label-column NAME") }
        if testCSV != nil && testFraction != nil {
            throw ValidationError("give --test-csv or --test-fraction, not both")
        }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), got \(testFraction)")
        }
    }

    /// The training and test sets, the model metadata that predicting on the same kind of
    /// file needs (feature columns, standardization), and a line describing the data.
    func load(seed: UInt64) throws -> (train: Dataset, test: Dataset, metadata: [String: String], summary: String) {
        let path = csv!, labelColumn = labelColumn!
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: path), labelColumn: labelColumn)
        // Checked against the data, before the class count sizes anything.
        let classCount = try table.trainingClassCount()
        var train = try Dataset(table, classCount: classCount)
        var test: Dataset
        if let testCSV {
            let testTable = try CSVTable(contentsOf: URL(fileURLWithPath: testCSV), labelColumn: labelColumn)
            try testTable.requireFeatureColumns(table.featureColumns)
            try testTable.requireClasses(of: table)
            test = try Dataset(testTable, classCount: classCount)
        } else {
            guard let parts = train.split(testFraction: testFraction ?? 0.2, seed: seed) else {
                throw CommandError("\(path): \(train.count) data row\(train.count == 1 ? "" : "s"), too few to hold some out "
                                   + "for testing (give --test-csv)")
            }
            (train, test) = parts
        }
        var metadata = table.featureColumnsMetadata
        if standardize {
            let standardization = Standardization(fitting: train.inputs)
            train.inputs = standardization.apply(to: train.inputs)
            test.inputs = standardization.apply(to: test.inputs)
            metadata.merge(standardization.metadata) { $1 }
        }
        let summary = "\(path): \(train.count) training and \(test.count) test rows, "
            + "\(train.featureCount) features, \(classCount) classes\(standardize ? ", standardized" : "")"
        return (train, test, metadata, summary)
    }

}
