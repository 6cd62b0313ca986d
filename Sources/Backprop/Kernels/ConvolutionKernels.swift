/// Convolution and max pooling over batches of images in NCHW order (the book's chapter 7):
/// forward and backward.
///
/// Requirements work on raw buffers, contiguous, `images` images one after another, exactly
/// like `ckernels.h`; the `Tensor`-level methods in the extension of the same name check shapes
/// and call these. One of the narrow protocols that make up ``KernelBackend``.
///
/// Max pooling is exact, so both backends agree bit for bit; the convolution's sums are
/// ordered differently (the C core goes through im2col and the GEMM's fused multiply-adds), so
/// they agree to rounding.
public protocol ConvolutionKernels {
    /// The element type the backend computes with.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// y `[images, FN, OH, OW]` = the cross-correlation of x `[images, C, H, W]` with the
    /// filters `weights` `[FN, C, FH, FW]`, plus `bias[f]` on plane f.
    func convolutionForward(images: Int, geometry: ConvolutionGeometry, x: UnsafeBufferPointer<Scalar>,
                            weights: UnsafeBufferPointer<Scalar>, bias: UnsafeBufferPointer<Scalar>,
                            y: UnsafeMutableBufferPointer<Scalar>)

    /// From dy `[images, FN, OH, OW]`: dW (summed over the images), db (per filter) and, when
    /// `dx` is given, dL/dx `[images, C, H, W]` (overwritten).
    func convolutionBackward(images: Int, geometry: ConvolutionGeometry, x: UnsafeBufferPointer<Scalar>,
                             weights: UnsafeBufferPointer<Scalar>, dy: UnsafeBufferPointer<Scalar>,
                             weightGradient: UnsafeMutableBufferPointer<Scalar>,
                             biasGradient: UnsafeMutableBufferPointer<Scalar>,
                             dx: UnsafeMutableBufferPointer<Scalar>?)

    /// y `[images, C, OH, OW]` = each window's maximum, `argmax` its index `ih * W + iw` in the
    /// input plane: the first maximum in row-major order, or the first NaN.
    func maxPoolForward(images: Int, geometry: PoolingGeometry, x: UnsafeBufferPointer<Scalar>,
                        y: UnsafeMutableBufferPointer<Scalar>, argmax: UnsafeMutableBufferPointer<Int32>)

    /// dx `[images, C, H, W]` (overwritten) = dy added at each window's argmax, in output order.
    func maxPoolBackward(images: Int, geometry: PoolingGeometry, dy: UnsafeBufferPointer<Scalar>,
                         argmax: UnsafeBufferPointer<Int32>, dx: UnsafeMutableBufferPointer<Scalar>)
}
