/// RMSprop (book section 6.1.5): AdaGrad with a running average of the squared gradients in
/// place of their sum, so old gradients fade: h = decay · h + (1 - decay) · g²;
/// p -= lr · g / (sqrt(h) + epsilon), decay 0.99 and epsilon 1e-7 as in the book.
public struct RMSprop<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (0.01 by default, as the book's class).
    public var learningRate: Double
    /// How much of the running average each step keeps (the book's `decay_rate`, 0.99).
    public var decay: Double
    /// Added to sqrt(h) to keep the division finite (the book's 1e-7).
    public var epsilon: Double
    private var squaredGradientAverages = SlotBuffers<Scalar>()

    /// RMSprop with zero initial averages.
    public init(learningRate: Double = 0.01, decay: Double = 0.99, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.decay = decay
        self.epsilon = epsilon
    }

    /// h = decay · h + (1 - decay) · g²; p -= learningRate · g / (sqrt(h) + epsilon), with h
    /// kept for `slot`.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        squaredGradientAverages.prepare(slot: slot, like: parameter)
        backend.rmspropUpdate(&parameter, gradient: gradient, squaredGradientAverage: &squaredGradientAverages[slot],
                              learningRate: Scalar(learningRate), decay: Scalar(decay), epsilon: Scalar(epsilon))
    }
}

extension RMSprop: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { squaredGradientAverages.storageAddresses }
}
