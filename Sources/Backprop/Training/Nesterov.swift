/// Nesterov's accelerated gradient (the book's `common/optimizer.py` `Nesterov`, after its fix
/// of 2021-01-18, commit 89eadd0; Bengio et al., arXiv:1212.0901): momentum that looks ahead,
/// applied in the book's order
/// p += momentum² · v; p -= (1 + momentum) · lr · g; v *= momentum; v -= lr · g.
public struct Nesterov<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (0.01 by default, as the book's class).
    public var learningRate: Double
    /// How much of the previous velocity is kept each step (0.9 by default).
    public var momentum: Double
    private var velocities = SlotBuffers<Scalar>()

    /// Nesterov's method with zero initial velocities.
    public init(learningRate: Double = 0.01, momentum: Double = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// One step of `parameter` with the velocity kept for `slot`.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        velocities.prepare(slot: slot, like: parameter)
        backend.nesterovUpdate(&parameter, gradient: gradient, velocity: &velocities[slot],
                               learningRate: Scalar(learningRate), momentum: Scalar(momentum))
    }
}

extension Nesterov: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { velocities.storageAddresses }
}
