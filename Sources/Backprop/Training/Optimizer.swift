/// A rule that moves parameters against their gradients (book section 6.1).
///
/// A trainer hands the network's ``ParameterList`` to ``step(_:)``, which calls ``beginStep()``
/// and then ``update(_:gradient:slot:backend:)`` once per parameter, each with the same `slot`
/// every step (its position in the parameter list). Optimizers with per-parameter state (velocities, moments) allocate it on
/// a slot's first update and reuse it afterwards, so steps after the first do not allocate.
/// Updates run the backend's fused update kernels, in place.
public protocol Optimizer<Scalar> {
    /// The element type of the parameters.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// The step size of the next updates. Settable between steps: a
    /// ``LearningRateSchedule`` changes it through ``Trainer/learningRateSchedule``.
    var learningRate: Double { get set }

    /// Marks the start of a training step (Adam counts steps for its bias correction).
    mutating func beginStep()

    /// Updates `parameter` in place from `gradient`, with the state kept for `slot`.
    mutating func update<Backend: KernelBackend>(
        _ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slot: Int, backend: Backend
    ) where Backend.Scalar == Scalar
}

extension Optimizer {
    /// Stateless optimizers need not know where a step starts.
    public mutating func beginStep() {}

    /// One step over every parameter of `parameters`, from the gradients of the last backward
    /// pass, in place: the optimizer reads the network's parameters through the list the
    /// trainer hands it, so the network never needs to know about optimizers.
    public mutating func step<Backend: KernelBackend>(_ parameters: ParameterList<Backend>)
    where Backend.Scalar == Scalar {
        beginStep()
        for slot in 0..<parameters.count {
            parameters.update(slot) { value, gradient in
                update(&value, gradient: gradient, slot: slot, backend: parameters.backend)
            }
        }
    }
}

/// Per-parameter optimizer state (a velocity or a moment), one zero tensor per slot created
/// on the slot's first use, then updated in place.
struct SlotBuffers<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    private var buffers: [Tensor<Scalar>] = []

    /// Creates the buffer of `slot` (shaped like `parameter`) if this is its first use.
    /// Slots must be first used in order 0, 1, 2, …, which is how networks number them.
    mutating func prepare(slot: Int, like parameter: Tensor<Scalar>) {
        if slot == buffers.count {
            buffers.append(Tensor(shape: parameter.shape))
        }
        precondition(slot < buffers.count, "Optimizer: slot \(slot) used before slot \(buffers.count)")
        precondition(buffers[slot].shape == parameter.shape,
                     "Optimizer: slot \(slot) holds state for \(buffers[slot].shapeDescription) but the parameter is \(parameter.shapeDescription)")
    }

    /// In-place access to the buffer of `slot`. `_modify` rather than `set`: a get/set pair
    /// would hand the kernel a second reference and make every update copy the buffer.
    subscript(slot: Int) -> Tensor<Scalar> {
        get { buffers[slot] }
        _modify { yield &buffers[slot] }
    }
}

extension SlotBuffers: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        buffers.map(\.storageAddress)
    }
}
