/// The optimizers' parameter updates, fused into one pass over each parameter.
///
/// Requirements work on raw buffers with explicit sizes and leading dimensions (row-major,
/// element (i, j) at `buffer[i * ld + j]`), exactly like `ckernels.h`; the `Tensor`-level
/// methods in the extension of the same name check shapes and call these. One of the narrow
/// protocols that make up ``KernelBackend``: a new kind of kernel adds one protocol and one
/// conformance file per backend.
public protocol OptimizerKernels {
    /// The element type the backend computes in.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

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

    /// Nesterov's accelerated gradient in the book's order: p += momentum² · v;
    /// p -= (1 + momentum) · lr · g; v *= momentum; v -= lr · g (see `ck_nesterov_update`).
    func nesterovUpdate(learningRate: Scalar, momentum: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                        velocity: UnsafeMutableBufferPointer<Scalar>,
                        parameter: UnsafeMutableBufferPointer<Scalar>)

    /// AdaGrad: h += g · g; p -= lr · g / (sqrt(h) + epsilon).
    func adaGradUpdate(learningRate: Scalar, epsilon: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                       squaredGradientSum: UnsafeMutableBufferPointer<Scalar>,
                       parameter: UnsafeMutableBufferPointer<Scalar>)

    /// RMSprop: h *= decay; h += (1 - decay) · g · g; p -= lr · g / (sqrt(h) + epsilon).
    func rmspropUpdate(learningRate: Scalar, decay: Scalar, epsilon: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                       squaredGradientAverage: UnsafeMutableBufferPointer<Scalar>,
                       parameter: UnsafeMutableBufferPointer<Scalar>)
}
