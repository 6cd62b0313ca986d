/// Why arrays handed to ``Dataset``'s throwing initializers do not make a data set. Samples
/// and features are counted from 0, as in the arrays; each message names the sample and the
/// problem.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are no samples, or the samples have no features.
    case empty
    /// The features describe another number of samples than there are labels.
    case countMismatch(samples: Int, labels: Int)
    /// A sample has another number of features than the first one.
    case raggedSample(index: Int, featureCount: Int, expected: Int)
    /// Flat features whose count is not a whole number of samples.
    case incompleteSample(valueCount: Int, featureCount: Int)
    /// A feature is NaN or infinite, which no training survives.
    case nonFiniteFeature(sample: Int, feature: Int, value: Float)
    /// A label is negative or not below the class count.
    case labelOutOfRange(sample: Int, label: String, classCount: Int)

    /// A sentence naming the sample and the problem.
    public var description: String {
        switch self {
        case .empty:
            return "the data set is empty: it needs at least one sample with at least one feature"
        case .countMismatch(let samples, let labels):
            return "there are \(samples) samples but \(labels) labels"
        case .raggedSample(let index, let featureCount, let expected):
            return "sample \(index) has \(featureCount) features, sample 0 has \(expected)"
        case .incompleteSample(let valueCount, let featureCount):
            return "\(valueCount) feature values are not a whole number of samples of \(featureCount) features"
        case .nonFiniteFeature(let sample, let feature, let value):
            return "sample \(sample), feature \(feature) is \(value); features must be finite numbers"
        case .labelOutOfRange(let sample, let label, let classCount):
            return "sample \(sample) has label \(label), outside 0...\(classCount - 1)"
        }
    }
}
