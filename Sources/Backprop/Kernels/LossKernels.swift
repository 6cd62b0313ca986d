/// The loss taken on sigmoid output units against targets in [0, 1], see ``SigmoidWithLoss``.
public enum SigmoidLoss: String, Sendable, CaseIterable, Codable {
    /// Half the squared error summed over a sample's outputs, 0.5 Σⱼ (yⱼ - tⱼ)² (the book's
    /// `mean_squared_error`); its gradient through the sigmoid is (y - t) · y · (1 - y).
    case squaredError
    /// Binary cross-entropy summed over a sample's outputs, -Σⱼ [tⱼ log yⱼ + (1 - tⱼ) log(1 - yⱼ)];
    /// its gradient through the sigmoid is y - t.
    case binaryCrossEntropy
}

/// The losses that close a network, forward and backward, fused with their output activation.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`; the `Tensor`-level
/// methods in the extension of the same name check shapes and call these. One of the narrow
/// protocols that make up ``KernelBackend``: a new kind of kernel adds one protocol and one
/// conformance file per backend.
public protocol LossKernels {
    /// The element type the backend computes in.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

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

    /// y = sigmoid(x) and the mean `loss` over the m rows against targets `t` (m x n); see
    /// `ck_sigmoid_loss_forward`.
    func sigmoidLossForward(_ loss: SigmoidLoss, m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                            t: UnsafeBufferPointer<Scalar>, ldt: Int,
                            y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar

    /// dx = (y - t) · y · (1 - y) / m for squared error, (y - t) / m for binary cross-entropy.
    func sigmoidLossBackward(_ loss: SigmoidLoss, m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                             t: UnsafeBufferPointer<Scalar>, ldt: Int,
                             dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int)

    /// y = x (identity outputs) and the mean over the m rows of half the squared error
    /// against the real-valued targets `t` (m x n); see `ck_identity_squared_error_forward`.
    func identitySquaredErrorForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                     t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                     y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar

    /// dx = (y - t) / m.
    func identitySquaredErrorBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                      t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                      dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int)
}
