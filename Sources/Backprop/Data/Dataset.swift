/// Samples and their class labels, ready for a network: `inputs` is count x features
/// (one flattened, normalized sample per row), `labels` holds each sample's class index.
public struct Dataset: Sendable {
    /// One sample per row, `[count, features]`.
    public var inputs: Tensor<Float>
    /// The class index of each row, in `0 ..< classCount`.
    public var labels: [Int32]
    /// The number of classes (10 for MNIST).
    public var classCount: Int

    /// Pairs inputs with labels; the counts must agree and every label must be a valid class.
    public init(inputs: Tensor<Float>, labels: [Int32], classCount: Int) {
        precondition(inputs.rows == labels.count,
                     "Dataset: inputs are \(inputs.shapeDescription) but there are \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classCount },
                     "Dataset: a label is outside 0..<\(classCount)")
        self.inputs = inputs
        self.labels = labels
        self.classCount = classCount
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The number of features per sample (784 for MNIST).
    public var featureCount: Int { inputs.columns }

    /// The labels as one-hot rows, `[count, classCount]`.
    public func oneHotLabels() -> Tensor<Float> {
        var t = Tensor<Float>(rows: count, columns: classCount)
        for (i, label) in labels.enumerated() { t[i, Int(label)] = 1 }
        return t
    }

    /// The first `n` samples (all of them if there are fewer): the quick slices tests use.
    public func prefix(_ n: Int) -> Dataset {
        let n = min(n, count)
        let features = featureCount
        return Dataset(inputs: Tensor(shape: [n, features], scalars: Array(inputs.scalars.prefix(n * features))),
                       labels: Array(labels.prefix(n)), classCount: classCount)
    }
}
