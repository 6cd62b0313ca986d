/// The checks a CSV table's classes get before they size a network, and the mapping of a test
/// file's or a file to predict's labels onto the classes of a training file or a model: by
/// name, so that a file whose names happen to sort differently still lines up.
extension CSVTable {
    /// The most distinct labels a training file may have without `classes` before its label
    /// column looks like a real-valued target: a tenth of the rows, and at least this many.
    public static let fewClasses = 10

    /// The class count of a training file, once the labels pass the checks a training set
    /// needs: the largest integer label plus one, or the number of names; `classes` (the
    /// user's word that this is the class count) replaces the counts and skips the checks of
    /// sparse and of too many labels.
    ///
    /// Throws ``CSVDataError/oneClass(path:column:label:)`` when every row has the same label
    /// (there is nothing to tell apart); ``CSVDataError/sparseLabels(path:row:column:label:distinctCount:)``
    /// when the largest integer label leaves more than half of the classes below it unused (a
    /// label such as 1000000 among a handful of classes is a damaged column, and would make a
    /// network with a million outputs); ``CSVDataError/manyLabels(path:column:distinctCount:rowCount:)``
    /// when there are more distinct labels than a tenth of the rows and more than
    /// ``fewClasses`` (a real-valued target, for regression);
    /// ``CSVDataError/classesDiffer(path:column:distinctCount:classes:largest:)`` when `classes` is too
    /// small for the labels, or is not the number of names; and
    /// ``CSVDataError/classesBeyondRows(path:column:classes:rowCount:)`` when `classes` is more than
    /// both the rows and the labels need.
    public func trainingClassCount(classes: Int? = nil) throws -> Int {
        guard let labels, let labelColumn else {
            preconditionFailure("CSVTable: \(source) was read without a label column")
        }
        let distinct = Set(labels)
        guard distinct.count >= 2 else {
            throw CSVDataError.oneClass(path: source, column: labelColumn, label: labelText(ofRow: 0))
        }
        let largest = labels.indices.max { labels[$0] < labels[$1] }!
        let classCount = classNames?.count ?? Int(labels[largest]) + 1
        if let classes {
            guard classNames == nil ? classes >= classCount : classes == classCount else {
                throw CSVDataError.classesDiffer(path: source, column: labelColumn, distinctCount: distinct.count,
                                                 classes: classes, largest: classNames == nil ? classCount - 1 : nil)
            }
            // More classes than rows (and than the labels need) cannot be learnt, and would
            // size the output layer by a typing slip rather than by the data.
            guard classes <= max(classCount, labels.count) else {
                throw CSVDataError.classesBeyondRows(path: source, column: labelColumn, classes: classes,
                                                     rowCount: labels.count)
            }
            return classes
        }
        if classNames == nil && classCount > 2 * distinct.count {
            throw CSVDataError.sparseLabels(path: source, row: largest + 2, column: labelColumn,
                                            label: Int(labels[largest]), distinctCount: distinct.count)
        }
        if distinct.count > Self.fewClasses && distinct.count * 10 > labels.count {
            throw CSVDataError.manyLabels(path: source, column: labelColumn, distinctCount: distinct.count,
                                          rowCount: labels.count)
        }
        return classCount
    }

    /// Throws ``CSVDataError/unknownClass(path:row:column:label:trainingPath:)`` unless every
    /// label of this table (a test file) is one of `training`'s labels, compared as written
    /// (a name, or an integer).
    public func requireClasses(of training: CSVTable) throws {
        _ = try labels(matching: training)
    }

    /// This table's labels (a test file's) as classes of `training`: the same integers, or
    /// the positions of the same names in `training`'s ``classNames``. Throws
    /// ``CSVDataError/unknownClass(path:row:column:label:trainingPath:)`` naming the first row
    /// whose label `training` does not have.
    public func labels(matching training: CSVTable) throws -> [Int32] {
        guard labels != nil, let labelColumn, let trainingLabels = training.labels else {
            preconditionFailure("CSVTable: \(source) or \(training.source) was read without a label column")
        }
        let known = training.classNames.map(Self.classes(named:))
            ?? Dictionary(Set(trainingLabels).map { (String($0), $0) }) { first, _ in first }
        return try mapped(onto: known) { row in
            CSVDataError.unknownClass(path: source, row: row + 2, column: labelColumn, label: labelText(ofRow: row),
                                      trainingPath: training.source)
        }
    }

    /// This table's labels as classes of the model file `model`, whose outputs are the classes
    /// `classNames` (recorded by ``classNamesMetadata``), or the integers 0..<`classCount` when
    /// it records none. Throws ``CSVDataError/notAModelClass(path:row:column:label:model:)``
    /// naming the first row whose label is not one of them.
    public func labels(matchingModel model: String, classNames names: [String]?, classCount: Int) throws -> [Int32] {
        guard let labels, let labelColumn else {
            preconditionFailure("CSVTable: \(source) was read without a label column")
        }
        let unknown = { (row: Int) in
            CSVDataError.notAModelClass(path: source, row: row + 2, column: labelColumn, label: labelText(ofRow: row),
                                        model: model)
        }
        if let names { return try mapped(onto: Self.classes(named: names), unknown: unknown) }
        if classNames != nil { throw unknown(0) }
        if let row = labels.firstIndex(where: { Int($0) >= classCount }) { throw unknown(row) }
        return labels
    }

    /// The labels as the classes `known` gives their spellings (a name, or an integer written
    /// out); `unknown(row)` is the error for the first row whose label is not known.
    private func mapped(onto known: [String: Int32], unknown: (Int) -> CSVDataError) throws -> [Int32] {
        let labels = labels!
        // Looked up once per class of this table, not once per row.
        let ownIDs = classNames == nil ? Set(labels).sorted() : Array(0..<Int32(classNames!.count))
        var classOf = [Int32: Int32](minimumCapacity: ownIDs.count)
        for id in ownIDs {
            if let known = known[classNames?[Int(id)] ?? String(id)] { classOf[id] = known }
        }
        if let row = labels.firstIndex(where: { classOf[$0] == nil }) { throw unknown(row) }
        return labels.map { classOf[$0]! }
    }

    /// The classes named `names`, by name.
    private static func classes(named names: [String]) -> [String: Int32] {
        Dictionary(names.enumerated().map { ($1, Int32($0)) }) { first, _ in first }
    }
}
