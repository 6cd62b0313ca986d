/// AdaGrad (book section 6.1.5): each parameter's step shrinks with the sum of its squared
/// gradients so far, h += g²; p -= lr · g / (sqrt(h) + epsilon), epsilon 1e-7 as in the book.
/// Steps only ever shrink, so long runs slow down (RMSprop forgets old gradients instead).
public struct AdaGrad<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (0.01 by default, as the book's class).
    public var learningRate: Double
    /// Added to sqrt(h) to keep the division finite (the book's 1e-7).
    public var epsilon: Double
    private var squaredGradientSums = SlotBuffers<Scalar>()

    /// AdaGrad with zero initial sums.
    public init(learningRate: Double = 0.01, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.epsilon = epsilon
    }

    /// h += g²; p -= learningRate · g / (sqrt(h) + epsilon), with h kept for `slot`.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        squaredGradientSums.prepare(slot: slot, like: parameter)
        backend.adaGradUpdate(&parameter, gradient: gradient, squaredGradientSum: &squaredGradientSums[slot],
                              learningRate: Scalar(learningRate), epsilon: Scalar(epsilon))
    }
}

extension AdaGrad: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { squaredGradientSums.storageAddresses }
}
