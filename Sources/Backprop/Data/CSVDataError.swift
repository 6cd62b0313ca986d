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
    /// A label field is empty or holds a control character (a NUL byte, a line end).
    case invalidLabel(path: String, row: Int, column: String, value: String)
    /// Every row of a training file has the same label.
    case oneClass(path: String, column: String, label: String)
    /// The largest label leaves more than half of the class indices below it unused.
    case sparseLabels(path: String, row: Int, column: String, label: Int, distinctCount: Int)
    /// A training file's label column has more distinct values than a tenth of its rows (and
    /// more than ``CSVTable/fewClasses``): a real-valued target rather than classes.
    case manyLabels(path: String, column: String, distinctCount: Int, rowCount: Int)
    /// The class count asked for does not fit the labels: below the largest integer label plus
    /// one (`largest`), or not the number of class names (`largest` nil).
    case classesDiffer(path: String, column: String, distinctCount: Int, classes: Int, largest: Int?)
    /// The class count asked for is more than the rows, and more than the labels need.
    case classesBeyondRows(path: String, column: String, classes: Int, rowCount: Int)
    /// A test file has a label the training file does not.
    case unknownClass(path: String, row: Int, column: String, label: String, trainingPath: String)
    /// A file's label is not one of the classes of the model it is compared with.
    case notAModelClass(path: String, row: Int, column: String, label: String, model: String)
    /// The label column was also chosen as a feature, or to be ignored.
    case labelColumnSelected(path: String, column: String)
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
            return "\(path): row 1: no column named '\(MessageText.excerpt(column))' "
                + "(the header has: \(MessageText.list(available, quoted: false)))"
        case .duplicateColumn(let path, let column):
            return "\(path): row 1: column '\(MessageText.excerpt(column))' appears more than once"
        case .noFeatureColumns(let path, let labelColumn):
            return "\(path): row 1: no feature columns besides the label column '\(labelColumn)'"
        case .raggedRow(let path, let row, let fieldCount, let expected):
            return "\(path): row \(row): \(fieldCount) fields, but the header has \(expected) columns"
        case .notANumber(let path, let row, let column, let value):
            return "\(path): row \(row), column '\(MessageText.excerpt(column))': '\(MessageText.excerpt(value))' "
                + "is not a finite number"
        case .invalidLabel(let path, let row, let column, let value):
            return "\(path): row \(row), column '\(MessageText.excerpt(column))': label '\(MessageText.excerpt(value))' "
                + "is not a class: it is empty or holds a control character"
        case .oneClass(let path, let column, let label):
            return "\(path): column '\(MessageText.excerpt(column))': every row has label \(Self.shown(label)); "
                + "training needs at least two classes"
        case .sparseLabels(let path, let row, let column, let label, let distinctCount):
            return "\(path): row \(row), column '\(MessageText.excerpt(column))': label \(label) would make "
                + "\(Int64(label) + 1) classes, but the column holds \(distinctCount) distinct labels "
                + "(class indices count 0, 1, 2, ...; at most half of those below the largest may be unused)"
        case .manyLabels(let path, let column, let distinctCount, let rowCount):
            return "\(path): column '\(MessageText.excerpt(column))' holds \(distinctCount) distinct labels in \(rowCount) "
                + "rows, more than a tenth: a real-valued target? (regression: --target-column; to train "
                + "\(distinctCount) or more classes anyway: --classes N)"
        case .classesDiffer(let path, let column, let distinctCount, let classes, let largest):
            let start = "\(path): column '\(MessageText.excerpt(column))' holds "
            if let largest {
                return start + "labels up to \(largest), but \(classes) classes (0...\(classes - 1)) were asked for"
            }
            return start + "\(distinctCount) class names, but \(classes) classes were asked for (with names, the classes "
                + "are the names)"
        case .classesBeyondRows(let path, let column, let classes, let rowCount):
            return "\(path): column '\(MessageText.excerpt(column))': \(classes) classes were asked for, more than the "
                + "\(rowCount) rows and than the labels need"
        case .unknownClass(let path, let row, let column, let label, let trainingPath):
            return "\(path): row \(row), column '\(MessageText.excerpt(column))': class \(Self.shown(label)) is not in "
                + "the training file \(trainingPath)"
        case .notAModelClass(let path, let row, let column, let label, let model):
            return "\(path): row \(row), column '\(MessageText.excerpt(column))': class \(Self.shown(label)) is not a "
                + "class of the model \(model)"
        case .labelColumnSelected(let path, let column):
            return "\(path): row 1: column '\(MessageText.excerpt(column))' is the label column; it cannot also be "
                + "chosen or ignored as a feature"
        case .columnsDiffer(let path, let expected, let found):
            let list = { (names: [String]) in MessageText.list(names, separator: " ") }
            var text = "\(path): row 1: the feature columns are \(list(found)), expected \(list(expected))"
            // Long lists are cut: name the first column that differs.
            if max(found.count, expected.count) > MessageText.listedNames {
                let position = zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                text += position.map { " (column \($0 + 1) is '\(MessageText.excerpt(found[$0]))', "
                                      + "expected '\(MessageText.excerpt(expected[$0]))')" }
                    ?? " (\(found.count) columns, expected \(expected.count))"
            }
            return text
        }
    }

    /// A label as a message shows it: an integer as it is, a name quoted and cut.
    private static func shown(_ label: String) -> String {
        Int(label) != nil ? label : "'\(MessageText.excerpt(label))'"
    }
}
