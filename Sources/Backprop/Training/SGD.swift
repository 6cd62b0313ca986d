/// Stochastic gradient descent, p -= learningRate * g (book section 6.1.2).
public struct SGD<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (the book's `lr`, 0.01 by default).
    public var learningRate: Double

    /// Plain SGD with the given step size.
    public init(learningRate: Double = 0.01) {
        self.learningRate = learningRate
    }

    /// p -= learningRate * g.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        backend.sgdUpdate(&parameter, gradient: gradient, learningRate: Scalar(learningRate))
    }
}
