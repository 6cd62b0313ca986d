import RealModule

/// Adam (book section 6.1.6): per-parameter running means of the gradient (m) and of its
/// square (v), with a step size corrected for their zero start:
/// m += (1 - beta1)(g - m); v += (1 - beta2)(g² - v);
/// p -= lr · sqrt(1 - beta2ᵗ) / (1 - beta1ᵗ) · m / (sqrt(v) + epsilon), epsilon 1e-7 by default as in the book.
public struct Adam<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (0.001 by default).
    public var learningRate: Double
    /// The decay of the gradient's running mean (0.9 by default).
    public var beta1: Double
    /// The decay of the squared gradient's running mean (0.999 by default).
    public var beta2: Double
    /// Added to sqrt(v) to keep the division finite (the book's 1e-7).
    public var epsilon: Double
    /// The number of steps begun so far (the book's `iter`).
    public private(set) var step = 0
    private var firstMoments = SlotBuffers<Scalar>()
    private var secondMoments = SlotBuffers<Scalar>()
    private var correctedLearningRate: Scalar = 0

    /// Adam with zero initial moments.
    public init(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Counts the step and computes its bias-corrected step size, in Double whatever `Scalar` is.
    public mutating func beginStep() {
        step += 1
        let t = Double(step)
        correctedLearningRate = Scalar(learningRate * (1 - Double.pow(beta2, t)).squareRoot()
                                       / (1 - Double.pow(beta1, t)))
    }

    /// One Adam step of `parameter` with the moments kept for `slot`.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        precondition(step > 0, "Adam.update: call beginStep() before the first update of a step")
        firstMoments.prepare(slot: slot, like: parameter)
        secondMoments.prepare(slot: slot, like: parameter)
        backend.adamUpdate(&parameter, gradient: gradient,
                           firstMoment: &firstMoments[slot], secondMoment: &secondMoments[slot],
                           correctedLearningRate: correctedLearningRate,
                           beta1: Scalar(beta1), beta2: Scalar(beta2), epsilon: Scalar(epsilon))
    }
}

extension Adam: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        firstMoments.storageAddresses + secondMoments.storageAddresses
    }
}
