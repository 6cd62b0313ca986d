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
}
