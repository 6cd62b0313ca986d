/// Max pooling (book section 7.4.4): the maximum of each `size` x `size` window, moved by
/// `stride` over every plane of an NCHW batch, padding taking no part (PyTorch's `MaxPool2d`).
///
/// The training pass keeps each window's argmax (an Int32 index into the input plane; ties go
/// to the first maximum in row-major order), and the backward pass sends each output's
/// gradient to it. The argmax is also the layer's piece: a numerical gradient whose
/// perturbation changes which element wins a window has crossed a kink.
public final class Pooling<Backend: KernelBackend>: Layer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    private struct Workspace {
        var output = Tensor<Scalar>(shape: [0])
        var argmax: [Int32] = []
    }

    /// The kernels this layer runs on.
    public let backend: Backend
    /// The images taken, the window, the stride and the padding.
    public let geometry: PoolingGeometry
    private var passes = PassBuffers(Workspace())
    private var inputShapeOfLastPass: [Int] = []
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// Max pooling of images of `inputShape` (`[C, H, W]`) over `size` x `size` windows moved by
    /// `stride` (the window's size unless given) with `pad` (less than `size`) on every side.
    public init(size: Int, stride: Int? = nil, pad: Int = 0, inputShape: [Int], backend: Backend) {
        precondition(inputShape.count == 3, "Pooling: input images must be [C, H, W], got \(inputShape)")
        let geometry = PoolingGeometry(channels: inputShape[0], height: inputShape[1], width: inputShape[2],
                                       size: size, stride: stride ?? size, pad: pad)
        precondition(geometry.isValid, "Pooling: a \(size)x\(size) window with stride \(stride ?? size) and pad \(pad) does not fit images \(inputShape)")
        self.backend = backend
        self.geometry = geometry
    }

    /// Each window's argmax in the last training pass: an index into its image's plane.
    public var argmax: [Int32] { passes.training.argmax }

    /// Returns the pooled `[n, C, OH, OW]`; a training pass keeps the argmax.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        if training { inputShapeOfLastPass = x.shape }
        return passes.withWorkspace(training: training) { workspace in
            backend.maxPool(x, geometry: geometry, into: &workspace.output, argmax: &workspace.argmax)
            return workspace.output
        }
    }

    /// Returns dx in the input's shape: dout at each window's argmax, zero elsewhere.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        backend.maxPoolBackward(dout, argmax: passes.training.argmax, geometry: geometry, into: &inputGradient)
        if inputGradient.shape != inputShapeOfLastPass { inputGradient.reshape(to: inputShapeOfLastPass) }
        return inputGradient
    }
}

extension Pooling: PiecewiseLayer {
    /// `pool:SIZE`, with the stride and padding when they are not SIZE and 0.
    public var spec: LayerSpec { .maxPool(size: geometry.size, stride: geometry.stride, pad: geometry.pad) }

    /// `[C, OH, OW]` for the layer's images, given as `[C, H, W]` or flattened to `[C·H·W]`.
    public func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int] {
        let images = [geometry.channels, geometry.height, geometry.width]
        guard shape == images || (shape.count == 1 && shape[0] == geometry.inputCount) else {
            throw LayerShapeError(layer: spec.description, inputShape: shape, reason: "it takes images of shape \(images)")
        }
        return geometry.outputShape
    }

    /// For each output, the position of its winner within its window (row-major, so distinct
    /// for windows up to 15 x 15): which piece of the max function the output was on.
    public var activePieces: [UInt8] {
        let (oh, ow) = (geometry.outputHeight, geometry.outputWidth)
        return argmax.enumerated().map { index, winner in
            let position = index % (oh * ow)
            let (r, q) = (position / ow, position % ow)
            let (ih, iw) = (Int(winner) / geometry.width, Int(winner) % geometry.width)
            let offset = (ih - (r * geometry.stride - geometry.pad)) * geometry.size + (iw - (q * geometry.stride - geometry.pad))
            return UInt8(truncatingIfNeeded: offset)
        }
    }
}

extension Pooling: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [passes.training.output.storageAddress, passes.training.argmax.storageAddress, inputGradient.storageAddress]
    }
}
