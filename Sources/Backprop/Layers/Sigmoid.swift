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
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A sigmoid layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// The output of the last training forward pass (the book's `self.out`).
    public var output: Tensor<Scalar> { outputs.training }

    /// Returns sigmoid(x) elementwise, in x's shape.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        outputs.withWorkspace(training: training) { y in
            backend.sigmoid(x, into: &y)
            return y
        }
    }

    /// Returns dout * (1 - y) * y with y the output of the last training forward pass.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        backend.sigmoidBackward(dout, output: outputs.training, into: &inputGradient)
        return inputGradient
    }
}

extension Sigmoid {
    /// `sigmoid`.
    public var spec: LayerSpec { .activation(.sigmoid) }
}

extension Sigmoid: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [outputs.training.storageAddress, inputGradient.storageAddress]
    }
}
