/// SGD with momentum (book section 6.1.4): a velocity per parameter accumulates past steps,
/// v = momentum * v - learningRate * g; p += v, which damps the zigzag of plain SGD.
public struct Momentum<Scalar: BinaryFloatingPoint & Sendable>: Optimizer, Sendable {
    /// The step size (0.01 by default).
    public var learningRate: Double
    /// How much of the previous velocity is kept each step (0.9 by default).
    public var momentum: Double
    private var velocities = SlotBuffers<Scalar>()

    /// Momentum SGD with zero initial velocities.
    public init(learningRate: Double = 0.01, momentum: Double = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// v = momentum * v - learningRate * g; p += v.
    public mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar {
        velocities.prepare(slot: slot, like: parameter)
        backend.momentumUpdate(&parameter, gradient: gradient, velocity: &velocities[slot],
                               learningRate: Scalar(learningRate), momentum: Scalar(momentum))
    }
}

extension Momentum: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { velocities.storageAddresses }
}
