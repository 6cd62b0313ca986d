/// Why a CSV file does not make a data set. Rows are counted as a spreadsheet shows them:
/// the header is row 1, the first sample row 2. Each message names the file, and the row and
/// column where there is one.
public enum CSVDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid UTF-8 CSV.
    case unreadable(path: String, reason: String)
    /// The file has a header row but no samples.
    case noRows(path: String)
    /// The label column named is not in the header.
    case missingColumn(path: String, column: String, available: [String])
    /// A column name appears twice in the header, so a column cannot be chosen by name.
    case duplicateColumn(path: String, column: String)
    /// Every column is the label column: there is nothing to learn from.
    case noFeatureColumns(path: String, labelColumn: String)
    /// A row has another number of fields than the header.
    case raggedRow(path: String, row: Int, fieldCount: Int, expected: Int)
    /// A feature field is not a finite number.
    case notANumber(path: String, row: Int, column: String, value: String)
    /// A label field is not a class index (a non-negative integer).
    case invalidLabel(path: String, row: Int, column: String, value: String)
    /// The feature columns differ from those of the data the model or training set was made from.
    case columnsDiffer(path: String, expected: [String], found: [String])

    /// One sentence naming the file, the row and column, and the problem.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): not a readable CSV file: \(reason)"
        case .noRows(let path):
            return "\(path): row 2: no data rows after the header"
        case .missingColumn(let path, let column, let available):
            return "\(path): row 1: no column named '\(column)' (the header has: \(available.joined(separator: ", ")))"
        case .duplicateColumn(let path, let column):
            return "\(path): row 1: column '\(column)' appears more than once"
        case .noFeatureColumns(let path, let labelColumn):
            return "\(path): row 1: no feature columns besides the label column '\(labelColumn)'"
        case .raggedRow(let path, let row, let fieldCount, let expected):
            return "\(path): row \(row): \(fieldCount) fields, but the header has \(expected) columns"
        case .notANumber(let path, let row, let column, let value):
            return "\(path): row \(row), column '\(column)': '\(value)' is not a finite number"
        case .invalidLabel(let path, let row, let column, let value):
            return "\(path): row \(row), column '\(column)': label '\(value)' is not a class index (0, 1, 2, ...)"
        case .columnsDiffer(let path, let expected, let found):
            let quoted = { (names: [String]) in names.map { "'\($0)'" }.joined(separator: " ") }
            return "\(path): row 1: the feature columns are \(quoted(found)), expected \(quoted(expected))"
        }
    }
}
