/// Matrix products and the bookkeeping around them: what an affine layer and a minibatch need.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`; the `Tensor`-level
/// methods in the extension of the same name check shapes and call these. One of the narrow
/// protocols that make up ``KernelBackend``: a new kind of kernel adds one protocol and one
/// conformance file per backend.
public protocol MatrixKernels {
    /// The element type the backend computes in.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// C = alpha * op(A) * op(B) + beta * C, see `ck_sgemm`. beta == 0 overwrites C.
    func gemm(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafeBufferPointer<Scalar>, lda: Int,
        b: UnsafeBufferPointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutableBufferPointer<Scalar>, ldc: Int)

    /// y[i, j] += bias[j].
    func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                    y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)

    /// Row r of `destination` (indices.count x width) = row indices[r] of `source`

    /// (sourceRows x width); every index is in 0 ..< sourceRows.
    func gatherRows(source: UnsafeBufferPointer<Scalar>, sourceRows: Int, width: Int,
                    indices: UnsafeBufferPointer<Int>, destination: UnsafeMutableBufferPointer<Scalar>)

    /// sums[j] = sum over rows of x[i, j].
    func columnSums(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                    sums: UnsafeMutableBufferPointer<Scalar>)
}
