import Foundation

// A regression's targets in a CSV file: real-valued columns named by the user, taken out of a
// table read without a label column (so every column has already been checked to be a finite
// decimal number), leaving the others as the features.

extension CSVTable {
    /// The table's columns split into features and the real-valued target columns `names`:
    /// the features in file order without the targets, and the targets `[rows, names.count]`
    /// in the order of `names`. With `required` false a table that holds none of `names` (a
    /// file to predict on) gives nil targets and all its columns as features. The table must
    /// have been read without a label column.
    ///
    /// Throws ``CSVDataError/missingColumn(path:column:available:)`` for a name the header
    /// lacks (any of them when `required`, or when only some are present), and
    /// ``CSVDataError/noFeatureColumns(path:labelColumn:)`` when no feature column is left.
    public func separatingTargets(_ names: [String], required: Bool = true) throws
        -> (features: Tensor<Float>, featureColumns: [String], values: Tensor<Float>?)
    {
        precondition(labelColumn == nil, "CSVTable.separatingTargets: \(source) was read with a label column")
        let present = names.filter(featureColumns.contains)
        if let missing = names.first(where: { !featureColumns.contains($0) }), required || !present.isEmpty {
            throw CSVDataError.missingColumn(path: source, column: missing, available: featureColumns)
        }
        let targetIndices = present.isEmpty ? [] : names.map { featureColumns.firstIndex(of: $0)! }
        let keep = featureColumns.indices.filter { !targetIndices.contains($0) }
        guard !keep.isEmpty else {
            throw CSVDataError.noFeatureColumns(path: source, labelColumn: names.joined(separator: ","))
        }
        let (rows, columns) = (features.rows, features.columns)
        var kept = [Float](), targets = [Float]()
        kept.reserveCapacity(rows * keep.count)
        targets.reserveCapacity(rows * targetIndices.count)
        features.withUnsafeBufferPointer { x in
            for row in 0..<rows {
                for column in keep { kept.append(x[row * columns + column]) }
                for column in targetIndices { targets.append(x[row * columns + column]) }
            }
        }
        return (Tensor(shape: [rows, keep.count], scalars: kept), keep.map { featureColumns[$0] },
                targetIndices.isEmpty ? nil : Tensor(shape: [rows, targetIndices.count], scalars: targets))
    }
}

extension Dataset {
    /// The regression data set in the CSV file at `url`: the columns `targetColumns` hold each
    /// row's real-valued targets (one network output each, in that order), every other column
    /// a numeric feature. ``CSVTable/separatingTargets(_:required:)`` gives the feature
    /// columns' names too.
    ///
    /// Throws ``FileError`` when the file is missing or not a regular file, ``DataError`` when
    /// it is empty, and ``CSVDataError`` naming the file, row and column otherwise.
    public init(csv url: URL, targetColumns: [String]) throws {
        precondition(!targetColumns.isEmpty, "Dataset: a regression needs at least one target column")
        let parts = try CSVTable(contentsOf: url, labelColumn: nil).separatingTargets(targetColumns)
        self.init(inputs: parts.features, values: parts.values!)
    }
}
