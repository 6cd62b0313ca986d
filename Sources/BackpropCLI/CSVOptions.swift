import ArgumentParser
import Backprop
import Foundation

/// `--csv FILE` with `--label-column NAME` or `--target-column NAME`: a CSV file of numeric
/// features with a header row, and the column that holds each row's class, or the real-valued
/// columns a regression predicts (train needs one of them, predict uses them for the accuracy
/// or the regression's metrics); `--delimiter` and the columns that are features, the same for
/// every file a run reads.
struct CSVFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A CSV file with a header row; every column but --label-column (or the --target-column "
                               + "columns) is a numeric feature (train: instead of MNIST).", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("label-column"),
            help: ArgumentHelp("The CSV column holding each row's class: integers 0, 1, 2, ... (1.0 too) or names "
                               + "(classes in sorted order, stored in the model; predict prints the names).",
                               valueName: "name"))
    var labelColumn: String?

    @Option(name: .customLong("target-column"), help: ArgumentHelp(
        "A real-valued CSV column to predict (regression: identity outputs, mean squared error; "
            + "repeat for several targets).", valueName: "name"))
    var targetColumns: [String] = []

    /// Whether the columns named are a regression's targets.
    var isRegression: Bool { !targetColumns.isEmpty }

    @Option(help: ArgumentHelp("The CSV field separator: ',' (default), ';', 'tab' (or a tab) or another character.",
                               valueName: "char"))
    var delimiter: CSVDelimiter?

    @Option(name: .customLong("ignore-column"),
            help: ArgumentHelp("A CSV column that is not a feature (repeat for several). An unnamed column holding "
                               + "0, 1, 2, ... (pandas' index) is ignored without it.", valueName: "name"))
    var ignoreColumns: [String] = []

    @Option(name: .customLong("feature-columns"),
            help: ArgumentHelp("The only CSV feature columns, comma-separated, in this order.", valueName: "names"))
    var featureColumns: String?

    func validate() throws {
        if labelColumn != nil && isRegression {
            throw ValidationError("give --label-column (classes) or --target-column (regression), not both")
        }
        if let repeated = targetColumns.indices.first(where: { targetColumns[..<$0].contains(targetColumns[$0]) }) {
            throw ValidationError("--target-column \(targetColumns[repeated]) is given twice")
        }
        if csv == nil {
            let stray = [(delimiter != nil, "--delimiter"), (!ignoreColumns.isEmpty, "--ignore-column"),
                         (featureColumns != nil, "--feature-columns")]
            if let option = stray.first(where: \.0) { throw ValidationError("\(option.1) needs --csv") }
        }
        if !ignoreColumns.isEmpty && featureColumns != nil {
            throw ValidationError("give --ignore-column or --feature-columns, not both")
        }
    }

    /// The columns the options choose as features.
    var selection: CSVColumnSelection {
        if let featureColumns {
            return .only(featureColumns.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        }
        return ignoreColumns.isEmpty ? .all : .ignoring(ignoreColumns)
    }

    /// The CSV file at `path` read with these options, its labels from `labelColumn`; the
    /// pandas index column left out is told in one note on stderr.
    func table(at path: String, labelColumn: String?) throws -> CSVTable {
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: path), labelColumn: labelColumn,
                                 delimiter: delimiter?.scalar ?? ",", columns: selection)
        if let column = table.ignoredIndexColumn {
            writeToStandardError("backprop: note: \(path): column \(column) has no name and holds 0, 1, 2, ... "
                                 + "(a pandas index); it is not a feature\n")
        }
        return table
    }

    /// The features of the CSV file at `path` for `model` (the model file `modelPath`), checked
    /// against the feature columns it records and its input count, and with `--label-column`
    /// the labels as the model's classes (by name when it records names).
    func samples(at path: String, for model: ImportedModel<some KernelBackend>,
                 from modelPath: String) throws -> (features: Tensor<Float>, labels: [Int32]?) {
        let network = model.network
        let table = try table(at: path, labelColumn: labelColumn)
        try table.requireFeatureColumns(recordedIn: model.metadata, model: modelPath)
        guard table.features.columns == network.inputSize else {
            throw CommandError("\(path): \(table.features.columns) feature columns, but \(modelPath) "
                               + "takes \(network.inputSize) inputs")
        }
        // By name: the file's classes as the model's, whatever order they sort in here.
        let labels = try labelColumn.map { _ in
            try table.labels(matchingModel: modelPath, classNames: try Self.classNames(of: model, from: modelPath),
                             classCount: network.outputSize)
        }
        return (table.features, labels)
    }

    /// The class names the model file `path` records, nil for a model whose classes are 0, 1, 2, ….
    static func classNames(of model: ImportedModel<some KernelBackend>, from path: String) throws -> [String]? {
        try CSVTable.classNames(recordedIn: model.metadata, model: path, classCount: model.network.outputSize)
    }
}

/// `--delimiter`: one character that separates CSV fields; `tab` (or `\t`) names the tab. A
/// quote or a line end cannot separate fields.
struct CSVDelimiter: ExpressibleByArgument {
    var scalar: Unicode.Scalar

    init?(argument: String) {
        if argument == "tab" || argument == "\\t" {
            scalar = "\t"
            return
        }
        guard argument.unicodeScalars.count == 1, let scalar = argument.unicodeScalars.first,
              !["\"", "\n", "\r"].contains(scalar) else { return nil }
        self.scalar = scalar
    }

    static var defaultCompletionKind: CompletionKind { .list([",", ";", "tab"]) }
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

    @Option(help: ArgumentHelp("The number of classes, for a label column with more distinct labels than a tenth of "
                               + "the rows (refused without it, as a likely real-valued target).", valueName: "n"))
    var classes: Int?

    var isEnabled: Bool { csv != nil }

    func validate() throws {
        guard csv != nil else {
            let stray: [(Bool, String)] = [(labelColumn != nil, "--label-column"),
                                           (!targetColumns.isEmpty, "--target-column"), (testCSV != nil, "--test-csv"),
                                           (testFraction != nil, "--test-fraction"), (standardize, "--standardize"),
                                           (classes != nil, "--classes")]
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
        if let classes, !(2...Int(Int32.max)).contains(classes) {
            throw ValidationError("--classes must be between 2 and \(Int32.max), got \(classes)")
        }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), got \(testFraction)")
        }
    }

    /// The training and test sets, the model metadata that predicting on the same kind of
    /// file needs (feature columns, class names, standardization, a regression's targets), a
    /// line describing the data, and a regression's targets.
    func load(seed: UInt64) throws -> CSVData {
        if file.isRegression { return try loadRegression(seed: seed) }
        let path = csv!, labelColumn = labelColumn!
        let table = try file.table(at: path, labelColumn: labelColumn)
        // Checked against the data, before the class count sizes anything.
        let classCount = try table.trainingClassCount(classes: classes)
        var train = try Dataset(table, classCount: classCount)
        var test: Dataset
        if let testCSV {
            let testTable = try file.table(at: testCSV, labelColumn: labelColumn)
            try testTable.requireFeatureColumns(table.featureColumns)
            // By name: the test file's classes are the training file's, in the training file's order.
            test = try Dataset(testTable, labels: try testTable.labels(matching: table), classCount: classCount)
        } else {
            guard let parts = train.split(testFraction: testFraction ?? 0.2, seed: seed) else {
                throw CommandError("\(path): \(train.count) data row\(train.count == 1 ? "" : "s"), too few to hold some out "
                                   + "for testing (give --test-csv)")
            }
            (train, test) = parts
        }
        var metadata = table.featureColumnsMetadata.merging(table.classNamesMetadata) { $1 }
        if standardize {
            let standardization = Standardization(fitting: train.inputs)
            train.inputs = standardization.apply(to: train.inputs)
            test.inputs = standardization.apply(to: test.inputs)
            metadata.merge(standardization.metadata) { $1 }
        }
        let summary = "\(path): \(train.count) training and \(test.count) test rows, "
            + "\(train.featureCount) features, \(classCount) classes"
            + (table.classNames.map { " (\(MessageText.list($0, quoted: false)))" } ?? "")
            + (standardize ? ", standardized" : "")
        return CSVData(train: train, test: test, metadata: metadata, summary: summary, targets: nil)
    }

    /// ``load(seed:)`` for `--target-column`: the named columns are real-valued targets, and
    /// `--standardize` standardizes them too.
    private func loadRegression(seed: UInt64) throws -> CSVData {
        let path = csv!
        let table = try file.table(at: path, labelColumn: nil)
        let parts = try table.separatingTargets(targetColumns)
        var train = Dataset(inputs: parts.features, values: parts.values!)
        var test: Dataset
        if let testCSV {
            let testTable = try file.table(at: testCSV, labelColumn: nil)
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
