/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Training targets for softmax-with-loss: one-hot rows or class indices.
public enum Targets<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// An m x n tensor of target probabilities (normally one-hot).
    case oneHot(Tensor<Scalar>)
    /// m class indices in `0 ..< n`.
    case labels([Int32])

    /// The number of rows (samples) the targets describe.
    public var count: Int {
        switch self {
        case .oneHot(let t): return t.rows
        case .labels(let l): return l.count
        }
    }
}

/// The kernels a fully connected network needs, written once per implementation.
///
/// Two implementations exist: ``FastBackend`` calls the vectorized, multi-threaded C core
/// (Float only), ``ReferenceBackend`` is plain Swift loops generic over the scalar type, easy
/// to read and usable in Double for gradient checks. Layers and networks are generic over
/// the backend, so any model runs on either and tests can compare the two.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`, so both
/// implementations can be tested on sub-matrices. The `Tensor` methods in the extension
/// check shapes once, for every implementation, and call these.
public protocol KernelBackend: Sendable {
    /// The element type the backend computes in.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// A short name for reports ("fast", "reference").
    var name: String { get }

    /// C = alpha * op(A) * op(B) + beta * C, see `ck_sgemm`. beta == 0 overwrites C.
    func gemm(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafeBufferPointer<Scalar>, lda: Int,
        b: UnsafeBufferPointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutableBufferPointer<Scalar>, ldc: Int)

    /// y = max(x, 0) with NaN kept; mask = 1 where the gradient passes (x > 0 or NaN).
    func reluForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>,
                     mask: UnsafeMutableBufferPointer<UInt8>)
    /// dx = dy where mask != 0, else 0.
    func reluBackward(dy: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<UInt8>,
                      dx: UnsafeMutableBufferPointer<Scalar>)
    /// y = 1 / (1 + exp(-x)).
    func sigmoidForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>)
    /// dx = dy * (1 - y) * y from the cached output y.
    func sigmoidBackward(dy: UnsafeBufferPointer<Scalar>, y: UnsafeBufferPointer<Scalar>,
                         dx: UnsafeMutableBufferPointer<Scalar>)
    /// Row-wise stable softmax of an m x n matrix.
    func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                 y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)
    /// y = softmax(x); returns the mean cross-entropy over the m rows against one-hot
    /// targets `t` (m x n), computed through log-softmax.
    func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                    t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                    y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar
    /// As the one-hot version with class indices `labels` (m of them, each in 0 ..< n).
    func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                    labels: UnsafeBufferPointer<Int32>,
                                    y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar
    /// dx = (y - t) / m.
    func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                     t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                     dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int)
    /// dx = (y - onehot(labels)) / m.
    func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                     labels: UnsafeBufferPointer<Int32>,
                                     dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int)
    /// y[i, j] += bias[j].
    func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                    y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)
    /// y[i, j] = relu(y[i, j] + bias[j]) with the ReLU mask (m x n, contiguous).
    func addRowBiasRelu(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                        y: UnsafeMutableBufferPointer<Scalar>, ldy: Int,
                        mask: UnsafeMutableBufferPointer<UInt8>)
    /// Row r of `destination` (indices.count x width) = row indices[r] of `source`
    /// (sourceRows x width); every index is in 0 ..< sourceRows.
    func gatherRows(source: UnsafeBufferPointer<Scalar>, sourceRows: Int, width: Int,
                    indices: UnsafeBufferPointer<Int>, destination: UnsafeMutableBufferPointer<Scalar>)
    /// sums[j] = sum over rows of x[i, j].
    func columnSums(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                    sums: UnsafeMutableBufferPointer<Scalar>)
    /// p -= lr * g.
    func sgdUpdate(learningRate: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                   parameter: UnsafeMutableBufferPointer<Scalar>)
    /// v = momentum * v - lr * g; p += v.
    func momentumUpdate(learningRate: Scalar, momentum: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                        velocity: UnsafeMutableBufferPointer<Scalar>,
                        parameter: UnsafeMutableBufferPointer<Scalar>)
    /// Adam with the bias-corrected step `correctedLearningRate`, see `ck_adam_update`.
    func adamUpdate(correctedLearningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar,
                    gradient: UnsafeBufferPointer<Scalar>,
                    firstMoment: UnsafeMutableBufferPointer<Scalar>,
                    secondMoment: UnsafeMutableBufferPointer<Scalar>,
                    parameter: UnsafeMutableBufferPointer<Scalar>)
}
