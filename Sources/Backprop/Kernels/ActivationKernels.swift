/// The activation functions, forward and backward, and the bias-plus-ReLU epilogue that fuses an
/// affine layer with the ReLU after it.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`; the `Tensor`-level
/// methods in the extension of the same name check shapes and call these. One of the narrow
/// protocols that make up ``KernelBackend``: a new kind of kernel adds one protocol and one
/// conformance file per backend.
public protocol ActivationKernels {
    /// The element type the backend computes in.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

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

    /// y = tanh(x), saturating to exactly ±1 without overflow.
    func tanhForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>)

    /// dx = dy * (1 - y * y) from the cached output y.
    func tanhBackward(dy: UnsafeBufferPointer<Scalar>, y: UnsafeBufferPointer<Scalar>,
                      dx: UnsafeMutableBufferPointer<Scalar>)

    /// Row-wise stable softmax of an m x n matrix.
    func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                 y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)

    /// y[i, j] = relu(y[i, j] + bias[j]) with the ReLU mask (m x n, contiguous).
    func addRowBiasRelu(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                        y: UnsafeMutableBufferPointer<Scalar>, ldy: Int,
                        mask: UnsafeMutableBufferPointer<UInt8>)
}
