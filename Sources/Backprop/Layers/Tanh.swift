/// The hyperbolic tangent, y = tanh(x): a zero-centred sigmoid (tanh(x) = 2·sigmoid(2x) - 1),
/// the activation the book mentions beside the sigmoid in section 6.2.2 (it pairs with Xavier
/// initialization).
///
/// Its derivative is 1 - y², so the forward pass keeps its own output and the backward pass
/// needs nothing else.
///
/// Saturation is exact and never overflows: tanh(±44) and beyond, and tanh(±Inf), are
/// exactly ±1, where the gradient is 0. tanh(-0) is -0 and NaN stays NaN.
public final class Tanh<Backend: KernelBackend>: Layer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    private var buffers = OutputDerivativeBuffers<Scalar>()

    /// A tanh layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// The output of the last training forward pass.
    public var output: Tensor<Scalar> { buffers.trainingOutput }

    /// Returns tanh(x) elementwise, in x's shape.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        buffers.forward(x, training: training) { backend.tanh($0, into: &$1) }
    }

    /// Returns dout * (1 - y²) with y the output of the last training forward pass.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        buffers.backward(dout) { backend.tanhBackward($0, output: $1, into: &$2) }
    }
}

extension Tanh {
    /// `tanh`.
    public var spec: LayerSpec { .activation(.tanh) }
}

extension Tanh: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { buffers.storageAddresses }
}
