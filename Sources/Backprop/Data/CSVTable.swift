import Foundation

/// Which columns of a CSV file are features (besides the label column, which never is).
public enum CSVColumnSelection: Sendable, Equatable {
    /// Every column but the label column (and an unnamed pandas index, see
    /// ``CSVTable/ignoredIndexColumn``).
    case all
    /// Every column but the label column and these.
    case ignoring([String])
    /// Exactly these columns, in this order.
    case only([String])
}

/// A CSV file of numbers with a header row: the feature columns as a matrix, and the classes
/// when a label column is named. The file is read as a stream (in chunks of rows; parsing of
/// quotes, escaped separators and CRLF line ends is yaslab's CSV.swift), each feature going
/// straight into the matrix, so reading holds the values and one chunk of text, not the file.
/// This type checks what a data set needs: every row as long as the header, every feature a
/// finite number, every label a class.
///
/// Labels are integers (`3`, or `3.0` as pandas writes a float column), each the index of its
/// class, or any other text: names, mapped to classes 0, 1, 2, … in sorted order (numbers in
/// numeric order), kept in ``classNames``.
public struct CSVTable: Sendable {
    /// The file the table was read from, for error messages.
    public let source: String
    /// The name of the label column, if one was named.
    public let labelColumn: String?
    /// The names of the feature columns, in file order, or in the order of
    /// ``CSVColumnSelection/only(_:)``.
    public let featureColumns: [String]
    /// One row per sample, one column per feature column, `[rows, featureColumns.count]`.
    public let features: Tensor<Float>
    /// Each row's class, when a label column was named: the integer label itself, or the
    /// position of the row's label in ``classNames``.
    public let labels: [Int32]?
    /// The names of the classes in class order, when the labels are names rather than
    /// integers; nil for integer labels (and without a label column).
    public let classNames: [String]?
    /// The position (1 for the first) of a column with an empty name holding 0, 1, 2, … that
    /// was left out of the features: the index pandas writes unless told `index=False`, which
    /// as a feature would only tell the network where a row sits in the file.
    public let ignoredIndexColumn: Int?

    /// Reads the CSV file at `url` (gzip-compressed when its name ends in `.gz`), fields
    /// separated by `delimiter`; the column called `labelColumn`, if given, holds the labels
    /// and the `columns` selected the features.
    ///
    /// Reading holds the values and the text of at most a chunk of rows: when they would take
    /// more than `limit` bytes (by default a quarter of the memory this process can still use),
    /// reading stops with ``DataError/exceedsMemory(path:limit:memory:)``, and a malformed row is
    /// refused as soon as it is read, before the rest of the file.
    ///
    /// Throws ``FileError`` when the file is missing or not a regular file, ``DataError`` when it
    /// is empty, damaged gzip or too large, and ``CSVDataError`` naming the row and column of
    /// the first field that does not fit, or a selected column the header lacks.
    public init(contentsOf url: URL, labelColumn: String?, delimiter: Unicode.Scalar = ",",
                columns: CSVColumnSelection = .all,
                limit: (bytes: Int, memory: String)? = DataFile.byteLimit()) throws {
        precondition(!["\"", "\n", "\r"].contains(delimiter), "CSVTable: the delimiter cannot be a quote or a line end")
        let path = url.path
        let rows = CSVRowReader(try DataFile.stream(of: url), path: path, delimiter: delimiter, limit: limit)
        guard let header = try rows.next() else { throw CSVDataError.noRows(path: path) }
        // One pass with a dictionary: the names seen so far (a header may have 200,000 columns).
        var position = [String: Int](minimumCapacity: header.count)
        for (index, name) in header.enumerated() where position.updateValue(index, forKey: name) != nil {
            throw CSVDataError.duplicateColumn(path: path, column: name)
        }
        func index(of name: String) throws -> Int {
            guard let index = position[name] else {
                throw CSVDataError.missingColumn(path: path, column: name, available: header)
            }
            return index
        }
        let labelIndex = try labelColumn.map(index(of:))
        var featureIndices: [Int]
        switch columns {
        case .all:
            featureIndices = header.indices.filter { $0 != labelIndex }
        case .ignoring(let names):
            let ignored = Set(try names.map(index(of:)))
            if let labelIndex, ignored.contains(labelIndex) {
                throw CSVDataError.labelColumnSelected(path: path, column: header[labelIndex])
            }
            featureIndices = header.indices.filter { $0 != labelIndex && !ignored.contains($0) }
        case .only(let names):
            featureIndices = try names.map(index(of:))
            if let labelIndex, featureIndices.contains(labelIndex) {
                throw CSVDataError.labelColumnSelected(path: path, column: header[labelIndex])
            }
            var chosen = Set<Int>()
            if let repeated = featureIndices.first(where: { !chosen.insert($0).inserted }) {
                throw CSVDataError.duplicateColumn(path: path, column: header[repeated])
            }
        }
        // An unnamed column is pandas' index while it holds 0, 1, 2, …; it is read as a feature
        // until a row says otherwise, and taken out at the end if none did.
        var indexCandidate = Self.isOnly(columns) ? nil : featureIndices.firstIndex { header[$0].isEmpty }
        var features: [Float] = []
        var labelIDs: [Int32] = []
        var labelValues: [String] = []
        var labelID: [String: Int32] = [:]
        var labelBytes = 0
        var row = 1
        var rowCount = 0
        while let fields = try rows.next() {
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
            if let candidate = indexCandidate, Int(fields[featureIndices[candidate]]) != rowCount {
                indexCandidate = nil
            }
            if let labelIndex {
                let value = fields[labelIndex]
                guard !value.isEmpty, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
                else {
                    throw CSVDataError.invalidLabel(path: path, row: row, column: header[labelIndex], value: value)
                }
                if let id = labelID[value] {
                    labelIDs.append(id)
                } else {
                    let id = Int32(labelValues.count)
                    labelID[value] = id
                    labelValues.append(value)
                    labelBytes += 2 * value.utf8.count + 64
                    labelIDs.append(id)
                }
            }
            rowCount += 1
            if let limit {
                let held = 4 * (features.count + labelIDs.count) + labelBytes + rows.heldBytes
                if held > limit.bytes { throw DataError.exceedsMemory(path: path, limit: limit.bytes, memory: limit.memory) }
            }
        }
        guard rowCount > 0 else { throw CSVDataError.noRows(path: path) }
        if let candidate = indexCandidate {
            // In place, row by row: each value moves to an earlier or the same position.
            let width = featureIndices.count
            var kept = 0
            for start in stride(from: 0, to: rowCount * width, by: width) {
                for column in 0..<width where column != candidate {
                    features[kept] = features[start + column]
                    kept += 1
                }
            }
            features.removeLast(features.count - kept)
            ignoredIndexColumn = featureIndices.remove(at: candidate) + 1
        } else {
            ignoredIndexColumn = nil
        }
        if labelIndex != nil {
            let (classOf, names) = Self.classes(of: labelValues)
            for row in labelIDs.indices { labelIDs[row] = classOf[Int(labelIDs[row])] }
            classNames = names
            labels = labelIDs
        } else {
            classNames = nil
            labels = nil
        }
        source = path
        self.labelColumn = labelColumn
        featureColumns = featureIndices.map { header[$0] }
        self.features = Tensor(shape: [rowCount, featureIndices.count], scalars: features)
    }

    private static func isOnly(_ columns: CSVColumnSelection) -> Bool {
        if case .only = columns { return true }
        return false
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

    /// The class of a label spelled as a non-negative integer (`3`, `3.0`, `3e0`), if it is one.
    static func integerClass(_ label: String) -> Int32? {
        if let value = Int32(label) { return value >= 0 ? value : nil }
        guard isDecimal(label), let value = Double(label), value >= 0, value <= Double(Int32.max),
              value == value.rounded() else { return nil }
        return Int32(value)
    }

    /// The class of each distinct label, and the class names when the labels are not all
    /// integer classes: then every label is a name, and names are sorted, numerically when
    /// all of them are numbers.
    static func classes(of values: [String]) -> (classes: [Int32], names: [String]?) {
        let integers = values.map(integerClass)
        if integers.allSatisfy({ $0 != nil }) { return (integers.map { $0! }, nil) }
        let numbers = values.map { isDecimal($0) ? Double($0).flatMap { $0.isFinite ? $0 : nil } : nil }
        var order = Array(values.indices)
        if numbers.allSatisfy({ $0 != nil }) {
            order.sort { (numbers[$0]!, values[$0]) < (numbers[$1]!, values[$1]) }
        } else {
            order.sort { values[$0] < values[$1] }
        }
        var classes = [Int32](repeating: 0, count: values.count)
        for (rank, value) in order.enumerated() { classes[value] = Int32(rank) }
        return (classes, order.map { values[$0] })
    }

    /// Row `row`'s label as the file spells a class: its name, or its integer.
    func labelText(ofRow row: Int) -> String {
        let label = labels![row]
        return classNames?[Int(label)] ?? String(label)
    }
}

extension Dataset {
    /// The data set in the CSV file at `url`: the column `labelColumn` holds each row's class
    /// (an integer 0, 1, 2, … or a name, see ``CSVTable``), every other column a numeric
    /// feature. `classCount` defaults to the largest class plus one.
    ///
    /// Throws ``FileError`` when the file is missing or not a regular file, ``DataError`` when it
    /// is empty, and ``CSVDataError`` naming the
    /// file, row and column otherwise.
    public init(csv url: URL, labelColumn: String, classCount: Int? = nil) throws {
        try self.init(CSVTable(contentsOf: url, labelColumn: labelColumn), classCount: classCount)
    }

    /// The samples of `table`, which must have been read with a label column, labelled with
    /// `labels` when given (the table's labels as another table's or a model's classes, from
    /// ``CSVTable/labels(matching:)``) or else the table's own. Throws
    /// ``CSVDataError/noFeatureColumns(path:labelColumn:)`` when the label is its only column,
    /// and ``DatasetError`` when a label is not below an explicit `classCount`.
    public init(_ table: CSVTable, labels: [Int32]? = nil, classCount: Int? = nil) throws {
        guard let labels = labels ?? table.labels else {
            preconditionFailure("Dataset: \(table.source) was read without a label column")
        }
        guard !table.featureColumns.isEmpty else {
            throw CSVDataError.noFeatureColumns(path: table.source, labelColumn: table.labelColumn ?? "")
        }
        try self.init(features: table.features.scalars, featureCount: table.features.columns, labels: labels,
                      classCount: classCount)
    }
}
