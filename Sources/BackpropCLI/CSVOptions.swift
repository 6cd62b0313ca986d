import ArgumentParser
import Backprop
import Foundation

/// `--csv FILE` with `--label-column NAME` or `--target-column NAME`: a CSV file of numeric
/// features with a header row, and the column that holds each row's class, or the real-valued
/// columns a regression predicts (train needs one of them, predict uses them for the accuracy
/// or the regression's metrics).
struct CSVFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A CSV file with a header row; every column but --label-column (or the --target-column "
                               + "columns) is a numeric feature (train: instead of MNIST).", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("label-column"),
            help: ArgumentHelp("The CSV column holding each row's class (0, 1, 2, ...).", valueName: "name"))
    var labelColumn: String?

    @Option(name: .customLong("target-column"), help: ArgumentHelp(
        "A real-valued CSV column to predict (regression: identity outputs, mean squared error; "
            + "repeat for several targets).", valueName: "name"))
    var targetColumns: [String] = []

    /// Whether the columns named are a regression's targets.
    var isRegression: Bool { !targetColumns.isEmpty }

    func validate() throws {
        if labelColumn != nil && isRegression {
            throw ValidationError("give --label-column (classes) or --target-column (regression), not both")
        }
        if let repeated = targetColumns.indices.first(where: { targetColumns[..<$0].contains(targetColumns[$0]) }) {
            throw ValidationError("--target-column \(targetColumns[repeated]) is given twice")
        }
    }
}

/// `train --csv FILE --label-column NAME`: a tabular data set instead of MNIST, tested on a
/// second file or a seeded random part of the first, optionally standardized.
struct CSVOptions: ParsableArguments {
    @OptionGroup var file: CSVFileOptions
    var csv: String? { file.csv }
    var labelColumn: String? { file.labelColumn }
    var targetColumns: [String] { file.targetColumns }

    @Option(name: .customLong("test-csv"), help: ArgumentHelp("A CSV file of test samples with the same columns.",
                                                              valueName: "file"))
    var testCSV: String?

    @Option(name: .customLong("test-fraction"),
            help: ArgumentHelp("Without --test-csv: the part of --csv held out for testing (default 0.2).",
                               valueName: "fraction"))
    var testFraction: Double?

    @Flag(help: ArgumentHelp("Standardize each feature (and a regression's targets) with the training set's mean and "
                             + "deviation (stored in the saved model; predictions are mapped back)."))
    var standardize = false

    var isEnabled: Bool { csv != nil }

    func validate() throws {
        guard csv != nil else {
            let stray: [(Bool, String)] = [(labelColumn != nil, "--label-column"), (!targetColumns.isEmpty, "--target-column"),
                         (testCSV != nil, "--test-csv"),
                         (testFraction != nil, "--test-fraction"), (standardize, "--standardize")]
            if let option = stray.first(where: \.0) {
                throw ValidationError("\(option.1) needs --csv")
            }
            return
        }
        guard labelColumn != nil || file.isRegression else {
            throw ValidationError("--csv needs --label-column NAME (classes) or --target-column NAME (regression)")
        }
        if testCSV != nil && testFraction != nil {
            throw ValidationError("give --test-csv or --test-fraction, not both")
        }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), got \(testFraction)")
        }
    }

    /// The training and test sets, the model metadata that predicting on the same kind of
    /// file needs (feature columns, standardization, a regression's targets), a line
    /// describing the data, and a regression's targets.
    func load(seed: UInt64) throws -> CSVData {
        if file.isRegression { return try loadRegression(seed: seed) }
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
        return CSVData(train: train, test: test, metadata: metadata, summary: summary, targets: nil)
    }

    /// ``load(seed:)`` for `--target-column`: the named columns are real-valued targets, and
    /// `--standardize` standardizes them too.
    private func loadRegression(seed: UInt64) throws -> CSVData {
        let path = csv!
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: path), labelColumn: nil)
        let parts = try table.separatingTargets(targetColumns)
        var train = Dataset(inputs: parts.features, values: parts.values!)
        var test: Dataset
        if let testCSV {
            let testTable = try CSVTable(contentsOf: URL(fileURLWithPath: testCSV), labelColumn: nil)
            let testParts = try testTable.separatingTargets(targetColumns)
            guard testParts.featureColumns == parts.featureColumns else {
                throw CSVDataError.columnsDiffer(path: testCSV, expected: parts.featureColumns, found: testParts.featureColumns)
            }
            test = Dataset(inputs: testParts.features, values: testParts.values!)
        } else {
            guard let split = train.split(testFraction: testFraction ?? 0.2, seed: seed) else {
                throw CommandError("\(path): \(train.count) data row\(train.count == 1 ? "" : "s"), too few to hold some out "
                                   + "for testing (give --test-csv)")
            }
            (train, test) = split
        }
        var metadata = CSVTable.featureColumnsMetadata(parts.featureColumns)
        var targets = RegressionTargets(names: targetColumns)
        if standardize {
            let standardization = Standardization(fitting: train.inputs)
            train.inputs = standardization.apply(to: train.inputs)
            test.inputs = standardization.apply(to: test.inputs)
            metadata.merge(standardization.metadata) { $1 }
            let scaling = Standardization(fitting: train.values!)
            train.values = scaling.apply(to: train.values!)
            test.values = scaling.apply(to: test.values!)
            targets.scaling = scaling
        }
        metadata.merge(targets.metadata) { $1 }
        let summary = "\(path): \(train.count) training and \(test.count) test rows, "
            + "\(train.featureCount) features, regression on \(targetColumns.joined(separator: ", "))"
            + (standardize ? ", features and targets standardized" : "")
        return CSVData(train: train, test: test, metadata: metadata, summary: summary, targets: targets)
    }
}

/// A data set as `train` loads it: the training and test sets, the model metadata that
/// predicting on the same kind of file needs, a line describing the data, and a regression's
/// targets (names and scaling; nil for classes).
struct CSVData {
    var train: Dataset
    var test: Dataset
    var metadata: [String: String]
    var summary: String
    var targets: RegressionTargets?

}
