import Foundation

/// What a model trained on a CSV table records of it in the model file's metadata, so that the
/// files it later reads can be checked and its outputs named: the feature columns and the class
/// names, each a JSON array of strings (a quoted column name or class name may hold a comma).
extension CSVTable {
    /// The metadata key of the feature columns.
    static let featureColumnsKey = "csv_feature_columns"
    /// The metadata key of the class names.
    static let classNamesKey = "class_names"

    /// The model-file metadata entry that records the feature columns, so that a model trained
    /// on this table can check the files it later predicts on with
    /// ``requireFeatureColumns(recordedIn:model:)``.
    public var featureColumnsMetadata: [String: String] {
        Self.entry(Self.featureColumnsKey, featureColumns)
    }

    /// The model-file metadata entry recording `columns` as the feature columns, as
    /// ``featureColumnsMetadata`` records a table's own (a regression's features are the
    /// table's columns less its targets).
    public static func featureColumnsMetadata(_ columns: [String]) -> [String: String] {
        entry(featureColumnsKey, columns)
    }

    /// The feature columns recorded in the `metadata` of the model file `model`, nil when it
    /// records none. A malformed entry throws ``ModelFileError/invalidMetadata(path:key:value:)``.
    public static func featureColumns(recordedIn metadata: [String: String], model: String) throws -> [String]? {
        try list(featureColumnsKey, in: metadata, model: model)
    }

    /// The model-file metadata entry that records ``classNames`` (empty when the labels are
    /// integers), read back by ``classNames(recordedIn:model:classCount:)``.
    public var classNamesMetadata: [String: String] {
        classNames.map { Self.entry(Self.classNamesKey, $0) } ?? [:]
    }

    /// Throws ``CSVDataError/columnsDiffer(path:expected:found:)`` unless the feature columns
    /// are `expected`, in that order: a test file or a file to predict must match the training file.
    public func requireFeatureColumns(_ expected: [String]) throws {
        guard featureColumns == expected else {
            throw CSVDataError.columnsDiffer(path: source, expected: expected, found: featureColumns)
        }
    }

    /// As ``requireFeatureColumns(_:)`` with the columns recorded in the `metadata` of the
    /// model file `model`; nothing is checked when it records none (a model not trained on
    /// CSV data). A malformed entry throws ``ModelFileError/invalidMetadata(path:key:value:)``.
    public func requireFeatureColumns(recordedIn metadata: [String: String], model: String) throws {
        guard let columns = try Self.featureColumns(recordedIn: metadata, model: model) else { return }
        try requireFeatureColumns(columns)
    }

    /// The class names recorded in the `metadata` of the model file `model`, which has
    /// `classCount` outputs; nil when it records none (integer classes). A malformed entry, or
    /// one with another number of names than outputs, throws
    /// ``ModelFileError/invalidMetadata(path:key:value:)``.
    public static func classNames(recordedIn metadata: [String: String], model: String,
                                  classCount: Int) throws -> [String]? {
        guard let names = try list(classNamesKey, in: metadata, model: model) else { return nil }
        guard names.count == classCount else {
            throw ModelFileError.invalidMetadata(path: model, key: classNamesKey, value: metadata[classNamesKey]!)
        }
        return names
    }

    private static func entry(_ key: String, _ list: [String]) -> [String: String] {
        let data = (try? JSONSerialization.data(withJSONObject: list)) ?? Data("[]".utf8)
        return [key: String(decoding: data, as: UTF8.self)]
    }

    private static func list(_ key: String, in metadata: [String: String], model: String) throws -> [String]? {
        guard let text = metadata[key] else { return nil }
        guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else {
            throw ModelFileError.invalidMetadata(path: model, key: key, value: text)
        }
        return list
    }
}
