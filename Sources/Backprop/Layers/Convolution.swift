/// The convolution layer (book section 7.4): FN filters of C x FH x FW slide over each image
/// with a stride and zero padding, y = W ⊛ x + b, images in NCHW order.
///
/// `weights` is `[FN, C, FH, FW]` (the book's and PyTorch `Conv2d`'s layout) and `bias` is
/// `[FN]`. The layer knows the shape of the images it takes (`inputShape`, `[C, H, W]`), so it
/// reads any batch whose first dimension counts the images: an MNIST batch `[n, 784]` is n
/// 1x28x28 images already. The output is `[n, FN, OH, OW]`.
///
/// The parameters take the stems "W" and "b" like an affine layer's, so the book's
/// SimpleConvNet names come out: W1 is the convolution, W2 and W3 the affine layers.
public final class Convolution<Backend: KernelBackend>: ParameterizedLayer, InputGradientSkipping {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    /// The images taken, the filters, the stride and the padding.
    public let geometry: ConvolutionGeometry
    /// W, `[FN, C, FH, FW]`. Set through the network, which checks shapes.
    public internal(set) var weights: Tensor<Scalar>
    /// b, `[FN]`.
    public internal(set) var bias: Tensor<Scalar>
    /// dL/dW of the last backward pass, summed over the batch.
    public internal(set) var weightGradient: Tensor<Scalar>
    /// dL/db of the last backward pass.
    public internal(set) var biasGradient: Tensor<Scalar>

    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    /// The input of the last training forward pass, until the backward pass consumes it.
    private var input: Tensor<Scalar>?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A layer taking images of `inputShape` (`[C, H, W]`) with filters `weights`
    /// (`[FN, C, FH, FW]`), `bias` (`[FN]`), moved by `stride` over the input padded by `pad`.
    public init(weights: Tensor<Scalar>, bias: Tensor<Scalar>, stride: Int = 1, pad: Int = 0,
                inputShape: [Int], backend: Backend) {
        precondition(weights.rank == 4, "Convolution: weights must be [FN, C, FH, FW], got \(weights.shape)")
        precondition(inputShape.count == 3 && inputShape[0] == weights.shape[1],
                     "Convolution: input images \(inputShape) must be [C, H, W] with C = \(weights.shape[1]) for weights \(weights.shape)")
        precondition(bias.shape == [weights.shape[0]],
                     "Convolution: bias must be [\(weights.shape[0])] for weights \(weights.shape), got \(bias.shape)")
        let geometry = ConvolutionGeometry(channels: inputShape[0], height: inputShape[1], width: inputShape[2],
                                           filters: weights.shape[0], kernelHeight: weights.shape[2],
                                           kernelWidth: weights.shape[3], stride: stride, pad: pad)
        precondition(geometry.isValid, "Convolution: filters \(weights.shape) with stride \(stride) and pad \(pad) do not fit images \(inputShape)")
        self.backend = backend
        self.geometry = geometry
        self.weights = weights
        self.bias = bias
        self.weightGradient = Tensor(shape: weights.shape)
        self.biasGradient = Tensor(shape: bias.shape)
    }

    /// Returns the convolution `[n, FN, OH, OW]` of the n images in x; a training pass also keeps x.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        if training { input = x }
        return outputs.withWorkspace(training: training) { y in
            backend.convolution(x, weights: weights, bias: bias, geometry: geometry, into: &y)
            return y
        }
    }

    /// Computes dW and db from `dout`, returns dx in the input's shape, and releases the cached input.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        let x = consumeInput()
        backend.convolutionBackward(dout, input: x, weights: weights, geometry: geometry,
                                    weightGradient: &weightGradient, biasGradient: &biasGradient, into: &inputGradient)
        inputGradient.reshape(to: x.shape)
        return inputGradient
    }

    /// Computes dW and db only (a network's first layer) and releases the cached input.
    public func backwardParameters(_ dout: Tensor<Scalar>) {
        backend.convolutionParameterGradients(dout, input: consumeInput(), weights: weights, geometry: geometry,
                                              weightGradient: &weightGradient, biasGradient: &biasGradient)
    }

    private func consumeInput() -> Tensor<Scalar> {
        guard let x = input else {
            preconditionFailure("Convolution.backward: no training forward pass to go back through")
        }
        input = nil
        return x
    }
}

extension Convolution {
    /// `conv:FN:FH`, with the stride and padding when they are not 1 and 0. Non-square filters
    /// have no spec item; the layer list describes the book's square ones.
    public var spec: LayerSpec {
        .convolution(filters: geometry.filters, kernel: geometry.kernelHeight, stride: geometry.stride, pad: geometry.pad)
    }

    /// `[FN, OH, OW]` for the layer's images, given as `[C, H, W]` or flattened to `[C·H·W]`
    /// (a dataset's rows); anything else is refused.
    public func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int] {
        guard shape == geometry.inputShape || (shape.count == 1 && shape[0] == geometry.inputCount) else {
            throw LayerShapeError(layer: spec.description, inputShape: shape,
                                  reason: "it takes images of shape \(geometry.inputShape)")
        }
        return geometry.outputShape
    }

    /// W and b, the book's names.
    public var parameterStems: [String] { StateNames.affineStems }

    /// W is a weight, b a bias.
    public var parameterRoles: [ParameterRole] { [.weight, .bias] }

    /// W for index 0, b for index 1.
    public func parameter(_ index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return weights
        case 1: return bias
        default: preconditionFailure("Convolution: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }

    /// dL/dW for index 0, dL/db for index 1.
    public func gradient(ofParameter index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return weightGradient
        case 1: return biasGradient
        default: preconditionFailure("Convolution: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }

    /// W (index 0) or b (index 1) in place, with its gradient.
    public func updateParameter(_ index: Int, _ body: (inout Tensor<Scalar>, Tensor<Scalar>) -> Void) {
        switch index {
        case 0:
            body(&weights, weightGradient)
            precondition(weights.shape == geometry.weightShape,
                         "Convolution: W became \(weights.shapeDescription) but must stay \(geometry.weightShape)")
        case 1:
            body(&bias, biasGradient)
            precondition(bias.shape == [geometry.filters],
                         "Convolution: b became \(bias.shapeDescription) but must stay [\(geometry.filters)]")
        default: preconditionFailure("Convolution: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }

    /// dL/dW (index 0) or dL/db (index 1) in place.
    public func updateGradient(_ index: Int, _ body: (inout Tensor<Scalar>) -> Void) {
        switch index {
        case 0:
            body(&weightGradient)
            precondition(weightGradient.shape == geometry.weightShape,
                         "Convolution: dW became \(weightGradient.shapeDescription) but must stay \(geometry.weightShape)")
        case 1:
            body(&biasGradient)
            precondition(biasGradient.shape == [geometry.filters],
                         "Convolution: db became \(biasGradient.shapeDescription) but must stay [\(geometry.filters)]")
        default: preconditionFailure("Convolution: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }
}

extension Convolution: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [weights, bias, weightGradient, biasGradient, inputGradient, outputs.training].map(\.storageAddress)
    }
}
