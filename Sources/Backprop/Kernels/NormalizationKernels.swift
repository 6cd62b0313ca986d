/// Batch normalization, forward (training and inference) and backward, per feature: each column
/// of an m x n batch is one feature, normalized over the m rows.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`; the `Tensor`-level
/// methods in the extension of the same name check shapes and call these. One of the narrow
/// protocols that make up ``KernelBackend``.
///
/// Both backends compute the statistics and each element in `Double` and round once when they
/// store (see `ck_batchnorm_forward_training`), summing every column over the rows in
/// ascending order, so FastBackend and ``ReferenceBackend`` in `Float` agree bit for bit.
public protocol NormalizationKernels {
    /// The element type the backend computes with.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// Batch statistics of x (m x n): mean and biased variance per column;
    /// `inverseStandardDeviation` = 1 / sqrt(variance + epsilon), `normalized` (xhat, m x n
    /// contiguous) = (x - mean) · inverseStandardDeviation, y = gamma · xhat + beta, and the
    /// running statistics move towards the batch's: running = momentum · running + (1 - momentum) · batch.
    func batchNormForwardTraining(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                  gamma: UnsafeBufferPointer<Scalar>, beta: UnsafeBufferPointer<Scalar>,
                                  epsilon: Scalar, momentum: Scalar,
                                  runningMean: UnsafeMutableBufferPointer<Scalar>,
                                  runningVariance: UnsafeMutableBufferPointer<Scalar>,
                                  normalized: UnsafeMutableBufferPointer<Scalar>,
                                  inverseStandardDeviation: UnsafeMutableBufferPointer<Scalar>,
                                  y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)

    /// y = gamma · (x - runningMean) / sqrt(runningVariance + epsilon) + beta.
    func batchNormForwardInference(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                   gamma: UnsafeBufferPointer<Scalar>, beta: UnsafeBufferPointer<Scalar>,
                                   runningMean: UnsafeBufferPointer<Scalar>,
                                   runningVariance: UnsafeBufferPointer<Scalar>, epsilon: Scalar,
                                   y: UnsafeMutableBufferPointer<Scalar>, ldy: Int)

    /// dbeta = column sums of dy, dgamma = column sums of dy · xhat, and
    /// dx = gamma · inverseStandardDeviation · (dy - dbeta / m - xhat · dgamma / m).
    func batchNormBackward(m: Int, n: Int, dy: UnsafeBufferPointer<Scalar>, lddy: Int,
                           normalized: UnsafeBufferPointer<Scalar>,
                           inverseStandardDeviation: UnsafeBufferPointer<Scalar>,
                           gamma: UnsafeBufferPointer<Scalar>,
                           gammaGradient: UnsafeMutableBufferPointer<Scalar>,
                           betaGradient: UnsafeMutableBufferPointer<Scalar>,
                           dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int)
}
