/// What a loss compares a network's output with, one row per sample: class indices, one-hot
/// rows, or real-valued rows.
///
/// Class indices are the compact form of one-hot rows; both say "this sample is class k".
/// Real-valued rows carry anything else a loss can be taken against: a probability
/// distribution, the smoothed 0.01/0.99 targets of a sigmoid output, or regression values.
/// Softmax with cross-entropy reads `.oneHot` and `.values` alike, as a target distribution.
public enum Targets<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// An m x n tensor of target probabilities (normally one-hot).
    case oneHot(Tensor<Scalar>)
    /// m class indices in `0 ..< n`.
    case labels([Int32])
    /// An m x n tensor of real-valued targets.
    case values(Tensor<Scalar>)

    /// The number of rows (samples) the targets describe.
    public var count: Int {
        switch self {
        case .oneHot(let t), .values(let t): return t.rows
        case .labels(let l): return l.count
        }
    }
}
