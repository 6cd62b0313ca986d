import CSV
import Foundation

/// A CSV file of numbers with a header row: the feature columns as a matrix, and the class
/// labels when a label column is named. Parsing (quotes, escaped separators, CRLF line ends)
/// is yaslab's CSV.swift; this type checks what a data set needs: every row as long as the
/// header, every feature a finite number, every label a class index.
public struct CSVTable: Sendable {
    /// The file the table was read from, for error messages.
    public let source: String
    /// The name of the label column, if one was named.
    public let labelColumn: String?
    /// The names of the feature columns, in file order (every column but the label column).
    public let featureColumns: [String]
    /// One row per sample, one column per feature column, `[rows, featureColumns.count]`.
    public let features: Tensor<Float>
    /// The label column's values, when one was named.
    public let labels: [Int32]?

    /// Reads the CSV file at `url` (gzip-compressed when its name ends in `.gz`); the column
    /// called `labelColumn`, if given, holds the labels and the others the features.
    ///
    /// Throws ``FileError`` when the file is missing or not a regular file, ``DataError`` when it
    /// is empty, and ``CSVDataError`` naming the row and column of the first field that does
    /// not fit.
    public init(contentsOf url: URL, labelColumn: String?) throws {
        let path = url.path
        let bytes = try DataFile.contents(of: url)
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw CSVDataError.unreadable(path: path, reason: "the file is not UTF-8 text")
        }
        // Spreadsheets often start UTF-8 files with a byte order mark, which is not part of
        // the first column's name.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw CSVDataError.unreadable(path: path, reason: "\(error)")
        }
        let header = reader.headerRow ?? []
        // One pass with a set: the names seen so far (a header may have 200,000 columns).
        var seen = Set<String>(minimumCapacity: header.count)
        if let repeated = header.first(where: { !seen.insert($0).inserted }) {
            throw CSVDataError.duplicateColumn(path: path, column: repeated)
        }
        var labelIndex: Int?
        if let labelColumn {
            guard let index = header.firstIndex(of: labelColumn) else {
                throw CSVDataError.missingColumn(path: path, column: labelColumn, available: header)
            }
            labelIndex = index
        }
        let featureIndices = header.indices.filter { $0 != labelIndex }
        var features: [Float] = []
        var labels: [Int32] = []
        var row = 1
        while let fields = reader.next() {
            row += 1
            // A blank line (the usual one at the end, or between blocks) holds no sample.
            if fields.count == 1 && fields[0].isEmpty && header.count > 1 { continue }
            guard fields.count == header.count else {
                throw CSVDataError.raggedRow(path: path, row: row, fieldCount: fields.count, expected: header.count)
            }
            for index in featureIndices {
                guard Self.isDecimal(fields[index]), let value = Float(fields[index]), value.isFinite else {
                    throw CSVDataError.notANumber(path: path, row: row, column: header[index], value: fields[index])
                }
                features.append(value)
            }
            if let labelIndex {
                guard let label = Int32(fields[labelIndex]), label >= 0 else {
                    throw CSVDataError.invalidLabel(path: path, row: row, column: header[labelIndex],
                                                    value: fields[labelIndex])
                }
                labels.append(label)
            }
        }
        if let error = reader.error {
            throw CSVDataError.unreadable(path: path, reason: "\(error)")
        }
        let rowCount = featureIndices.isEmpty ? labels.count : features.count / featureIndices.count
        guard rowCount > 0 else { throw CSVDataError.noRows(path: path) }
        source = path
        self.labelColumn = labelColumn
        featureColumns = featureIndices.map { header[$0] }
        self.features = Tensor(shape: [rowCount, featureIndices.count], scalars: features)
        self.labels = labelIndex == nil ? nil : labels
    }

    /// Whether `field` is spelled as a decimal number: digits, a sign, a point and an exponent
    /// only. `Float(_:)` alone also reads hexadecimal (`0x10` as 16) and stops at a NUL byte
    /// (`2<NUL>abc` as 2), which in a data file are damage, not numbers.
    static func isDecimal(_ field: String) -> Bool {
        field.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
    }

    /// The class count of a training file: the largest label plus one, once the labels pass
    /// the checks a training set needs. Throws ``CSVDataError/oneClass(path:column:label:)``
    /// when every row has the same label (there is nothing to tell apart), and
    /// ``CSVDataError/sparseLabels(path:row:column:label:distinctCount:)`` when the largest label
    /// leaves more than half of the classes below it unused: a label such as 1000000 among a
    /// handful of classes is a damaged or mislabelled column, and would otherwise make a
    /// network with a million outputs.
    public func trainingClassCount() throws -> Int {
        guard let labels, let labelColumn else {
            preconditionFailure("CSVTable: \(source) was read without a label column")
        }
        let distinct = Set(labels)
        guard distinct.count >= 2 else {
            throw CSVDataError.oneClass(path: source, column: labelColumn, label: Int(labels.first ?? 0))
        }
        let largest = labels.indices.max { labels[$0] < labels[$1] }!
        let classCount = Int(labels[largest]) + 1
        guard classCount <= 2 * distinct.count else {
            throw CSVDataError.sparseLabels(path: source, row: largest + 2, column: labelColumn,
                                            label: Int(labels[largest]), distinctCount: distinct.count)
        }
        return classCount
    }

    /// Throws ``CSVDataError/unknownClass(path:row:column:label:trainingPath:)`` unless every
    /// label of this table (a test file) is one of `training`'s labels.
    public func requireClasses(of training: CSVTable) throws {
        guard let labels, let labelColumn, let known = training.labels.map(Set.init) else { return }
        if let row = labels.firstIndex(where: { !known.contains($0) }) {
            throw CSVDataError.unknownClass(path: source, row: row + 2, column: labelColumn, label: Int(labels[row]),
                                            trainingPath: training.source)
        }
    }

    /// Throws ``CSVDataError/columnsDiffer(path:expected:found:)`` unless the feature columns
    /// are `expected`, in that order: a test file or a file to predict must match the training file.
    public func requireFeatureColumns(_ expected: [String]) throws {
        guard featureColumns == expected else {
            throw CSVDataError.columnsDiffer(path: source, expected: expected, found: featureColumns)
        }
    }

    /// The model-file metadata entry that records the feature columns (as a JSON array, since
    /// a quoted column name may hold a comma), so that a model trained on this table can
    /// check the files it later predicts on with ``requireFeatureColumns(recordedIn:model:)``.
    public var featureColumnsMetadata: [String: String] {
        Self.featureColumnsMetadata(featureColumns)
    }

    /// As ``requireFeatureColumns(_:)`` with the columns recorded in the `metadata` of the
    /// model file `model`; nothing is checked when it records none (a model not trained on
    /// CSV data). A malformed entry throws ``ModelFileError/invalidMetadata(path:key:value:)``.
    public func requireFeatureColumns(recordedIn metadata: [String: String], model: String) throws {
        guard let columns = try Self.featureColumns(recordedIn: metadata, model: model) else { return }
        try requireFeatureColumns(columns)
    }

    /// The feature columns recorded in the `metadata` of the model file `model`, nil when it
    /// records none. A malformed entry throws ``ModelFileError/invalidMetadata(path:key:value:)``.
    public static func featureColumns(recordedIn metadata: [String: String], model: String) throws -> [String]? {
        guard let text = metadata[featureColumnsKey] else { return nil }
        guard let columns = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else {
            throw ModelFileError.invalidMetadata(path: model, key: featureColumnsKey, value: text)
        }
        return columns
    }

    static let featureColumnsKey = "csv_feature_columns"
}

extension Dataset {
    /// The data set in the CSV file at `url`: the column `labelColumn` holds each row's class
    /// index (0, 1, 2, …), every other column a numeric feature. `classCount` defaults to the
    /// largest label plus one.
    ///
    /// Throws ``FileError`` when the file is missing or not a regular file, ``DataError`` when it
    /// is empty, and ``CSVDataError`` naming the
    /// file, row and column otherwise.
    public init(csv url: URL, labelColumn: String, classCount: Int? = nil) throws {
        try self.init(CSVTable(contentsOf: url, labelColumn: labelColumn), classCount: classCount)
    }

    /// The samples of `table`, which must have been read with a label column. Throws
    /// ``CSVDataError/noFeatureColumns(path:labelColumn:)`` when the label is its only column,
    /// and ``DatasetError`` when a label is not below an explicit `classCount`.
    public init(_ table: CSVTable, classCount: Int? = nil) throws {
        guard let labels = table.labels else {
            preconditionFailure("Dataset: \(table.source) was read without a label column")
        }
        guard !table.featureColumns.isEmpty else {
            throw CSVDataError.noFeatureColumns(path: table.source, labelColumn: table.labelColumn ?? "")
        }
        try self.init(features: table.features.scalars, featureCount: table.features.columns, labels: labels,
                      classCount: classCount)
    }
}
