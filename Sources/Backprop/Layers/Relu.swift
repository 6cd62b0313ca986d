/// The rectified linear unit, y = max(x, 0) (book section 5.5.1).
///
/// The forward pass keeps the mask of the elements that were positive; the backward pass
/// lets the upstream gradient through exactly there. The mask is a byte per element, the
/// form the C kernels write.
///
/// NaN propagates: relu(NaN) is NaN (not 0, which would hide bad input), and its gradient
/// passes backward like a positive element's. -0 and 0 both give +0.
public final class Relu<Backend: KernelBackend>: Layer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    private struct Workspace {
        var output = Tensor<Scalar>(shape: [0])
        var mask: [UInt8] = []
    }

    /// The kernels this layer runs on.
    public let backend: Backend
    private var passes = PassBuffers(Workspace())
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A ReLU layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// 1 where the last training forward pass let the gradient through (x > 0, or NaN), else 0.
    public var mask: [UInt8] { passes.training.mask }

    /// Returns max(x, 0) elementwise, in x's shape, and records the mask.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        passes.withWorkspace(training: training) { workspace in
            backend.relu(x, into: &workspace.output, mask: &workspace.mask)
            return workspace.output
        }
    }

    /// The forward pass of a ReLU that directly follows an affine layer, fused with that
    /// layer's bias addition: y = max(y + bias, 0) in place, in one pass over `y`. Bitwise
    /// equal to adding the bias and then calling ``forward(_:training:)``; the mask is kept
    /// in the same place, so ``backward(_:)`` works the same after either.
    func forwardAddingBias(_ bias: Tensor<Scalar>, to y: inout Tensor<Scalar>, training: Bool) {
        passes.withWorkspace(training: training) { workspace in
            backend.addRowBiasRelu(bias, to: &y, mask: &workspace.mask)
        }
    }

    /// Returns dout where the last training forward pass had a positive input, else 0.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        backend.reluBackward(dout, mask: passes.training.mask, into: &inputGradient)
        return inputGradient
    }
}

extension Relu: PiecewiseLayer {
    /// `relu`.
    public var spec: LayerSpec { .activation(.relu) }

    /// The mask: 1 where the input was on the identity piece (x > 0), 0 on the zero piece.
    public var activePieces: [UInt8] { mask }
}

extension Relu: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [passes.training.output.storageAddress, passes.training.mask.storageAddress, inputGradient.storageAddress]
    }
}
