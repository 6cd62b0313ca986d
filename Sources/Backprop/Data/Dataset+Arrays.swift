// Data sets from the arrays a user already has: any integer labels, features as rows or as
// one flat array. Unlike ``Dataset/init(inputs:labels:classCount:)``, whose callers inside
// the library guarantee its conditions, these check everything and throw.

extension Dataset {
    /// A data set of one sample per element of `features`, each with the same number of
    /// features, labelled with the class indices in `labels`.
    ///
    /// `classCount` defaults to the largest label plus one; give it when some classes may be
    /// absent (a small test set, say). Throws ``DatasetError`` naming the sample at fault: a
    /// sample with another feature count, a NaN or infinite feature, a label outside
    /// `0..<classCount`, or counts that differ.
    public init<Label: BinaryInteger>(features: [[Float]], labels: [Label], classCount: Int? = nil) throws(DatasetError) {
        let featureCount = features.first?.count ?? 0
        if let index = features.firstIndex(where: { $0.count != featureCount }) {
            throw .raggedSample(index: index, featureCount: features[index].count, expected: featureCount)
        }
        try self.init(features: features.flatMap { $0 }, featureCount: featureCount, labels: labels,
                      classCount: classCount)
    }

    /// A data set from `features` stored sample after sample, `featureCount` values each
    /// (row-major, as numpy's `x.ravel()` gives them), labelled with the class indices in `labels`.
    ///
    /// `classCount` defaults to the largest label plus one. Throws ``DatasetError`` as the
    /// form taking rows does, and when the values are not a whole number of samples.
    public init<Label: BinaryInteger>(features: [Float], featureCount: Int, labels: [Label],
                                      classCount: Int? = nil) throws(DatasetError) {
        precondition(classCount.map { $0 > 0 } ?? true, "Dataset: the class count must be positive, got \(classCount!)")
        guard featureCount > 0, !features.isEmpty, !labels.isEmpty else { throw .empty }
        guard features.count % featureCount == 0 else {
            throw .incompleteSample(valueCount: features.count, featureCount: featureCount)
        }
        let sampleCount = features.count / featureCount
        guard sampleCount == labels.count else { throw .countMismatch(samples: sampleCount, labels: labels.count) }
        if let index = features.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(sample: index / featureCount, feature: index % featureCount, value: features[index])
        }
        // Labels are compared as Label, so that no value (UInt64.max, a negative Int8) is
        // truncated before it is checked.
        // A label must fit an Int32 (the type ``labels`` stores) whatever the class count.
        let limit = Label(clamping: Int32.max)
        let classes = classCount ?? labels.max().map { $0 < limit ? Int($0) + 1 : Int(Int32.max) }!
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= limit || Int($0) >= classes }) {
            throw .labelOutOfRange(sample: index, label: String(labels[index]), classCount: classes)
        }
        self.init(inputs: Tensor(shape: [sampleCount, featureCount], scalars: features),
                  labels: labels.map { Int32($0) }, classCount: classes)
    }
}
