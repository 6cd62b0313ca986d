/// Samples and their targets, ready for a network: `inputs` is count x features (one
/// flattened, normalized sample per row); the targets are class labels (`labels`, each
/// sample's class index, for a classifier) or real values (``values``, one row of
/// ``targetCount`` numbers per sample, for a regression).
///
/// The kind of target decides the rest of a run: the output layer (softmax or identity), the
/// metrics (accuracy, or RMSE, MAE and R²) and the baseline a model must beat (the most common
/// class, or the mean of the targets).
public struct Dataset: Sendable {
    /// One sample per row, `[count, features]`.
    public var inputs: Tensor<Float>
    /// The class index of each row, in `0 ..< classCount`; empty for a regression set.
    public var labels: [Int32]
    /// The number of classes (10 for MNIST); 0 for a regression set.
    public var classCount: Int
    /// The real-valued targets of a regression set, `[count, targetCount]`; nil for a
    /// classification set.
    public var values: Tensor<Float>?

    /// Pairs inputs with labels; the counts must agree and every label must be a valid class.
    public init(inputs: Tensor<Float>, labels: [Int32], classCount: Int) {
        precondition(inputs.rows == labels.count,
                     "Dataset: inputs are \(inputs.shapeDescription) but there are \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classCount },
                     "Dataset: a label is outside 0..<\(classCount)")
        self.inputs = inputs
        self.labels = labels
        self.classCount = classCount
        self.values = nil
    }

    /// Pairs inputs with real-valued targets, one row each: a regression set. The row counts
    /// must agree and every target must be finite.
    public init(inputs: Tensor<Float>, values: Tensor<Float>) {
        precondition(inputs.rows == values.rows,
                     "Dataset: inputs are \(inputs.shapeDescription) but targets are \(values.shapeDescription)")
        precondition(values.scalars.allSatisfy(\.isFinite), "Dataset: a target value is not finite")
        self.inputs = inputs
        self.labels = []
        self.classCount = 0
        self.values = values
    }

    /// Whether the targets are real values (a regression) rather than class labels.
    public var isRegression: Bool { values != nil }

    /// The number of network outputs the targets call for: the class count, or the number of
    /// real-valued targets per sample.
    public var targetCount: Int { values?.columns ?? classCount }

    /// The number of samples.
    public var count: Int { values?.rows ?? labels.count }

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
        return samples(at: Array(0..<n))
    }
}
