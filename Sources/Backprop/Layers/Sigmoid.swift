/// The logistic function, y = 1 / (1 + exp(-x)) (book section 5.5.2).
///
/// Its derivative is y * (1 - y), so the forward pass keeps its own output and the backward
/// pass needs nothing else.
///
/// Saturation is exact and never overflows: sigmoid(100) and sigmoid(+Inf) are exactly 1,
/// sigmoid(-100) is a tiny non-negative number (3.7e-44, a subnormal Float, or 0), and
/// sigmoid(-Inf) is 0; the gradient there is 0 or tiny, never NaN. NaN stays NaN.
public final class Sigmoid<Backend: KernelBackend>: Layer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    private var buffers = OutputDerivativeBuffers<Scalar>()

    /// A sigmoid layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// The output of the last training forward pass (the book's `self.out`).
    public var output: Tensor<Scalar> { buffers.trainingOutput }

    /// Returns sigmoid(x) elementwise, in x's shape.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        buffers.forward(x, training: training) { backend.sigmoid($0, into: &$1) }
    }

    /// Returns dout * (1 - y) * y with y the output of the last training forward pass.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        buffers.backward(dout) { backend.sigmoidBackward($0, output: $1, into: &$2) }
    }
}

extension Sigmoid {
    /// `sigmoid`.
    public var spec: LayerSpec { .activation(.sigmoid) }
}

extension Sigmoid: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] { buffers.storageAddresses }
}
