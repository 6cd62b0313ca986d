/// The fully connected layer, y = x · W + b (book section 5.6.2).
///
/// `weights` is `[inputSize, outputSize]` and `bias` is `[outputSize]`, added to every row.
/// The input may have any rank: like the book's `x.reshape(x.shape[0], -1)`, a tensor of
/// shape `[n, d1, d2, ...]` is used as n rows of d1·d2·… features (``Tensor`` already views
/// it that way), and the backward pass returns dx in the input's original shape.
///
/// The training forward pass keeps a reference to its input `x` for dW = xᵀ · dout. That
/// input is usually another layer's (or the trainer's) buffer, which its owner rewrites on
/// the next batch; to keep that rewrite from copying the buffer, ``backward(_:)`` consumes
/// the cache and releases the reference.
public final class Affine<Backend: KernelBackend>: ParameterizedLayer, InputGradientSkipping {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    /// W, `[inputSize, outputSize]`. Set through the network, which checks shapes.
    public internal(set) var weights: Tensor<Scalar>
    /// b, `[outputSize]`.
    public internal(set) var bias: Tensor<Scalar>
    /// dL/dW of the last backward pass (the book's `dW`), `[inputSize, outputSize]`.
    public internal(set) var weightGradient: Tensor<Scalar>
    /// dL/db of the last backward pass (the book's `db`): the column sums of dout, `[outputSize]`.
    public internal(set) var biasGradient: Tensor<Scalar>

    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    /// The input of the last training forward pass, until the backward pass consumes it.
    private var input: Tensor<Scalar>?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A layer with the given parameters: `weights` must be a matrix and `bias` a vector with
    /// one element per column of `weights`.
    public init(weights: Tensor<Scalar>, bias: Tensor<Scalar>, backend: Backend) {
        precondition(weights.rank == 2, "Affine: weights must be [inputSize, outputSize], got \(weights.shape)")
        precondition(bias.shape == [weights.shape[1]],
                     "Affine: bias must be [\(weights.shape[1])] for weights \(weights.shapeDescription), got \(bias.shape)")
        self.backend = backend
        self.weights = weights
        self.bias = bias
        self.weightGradient = Tensor(shape: weights.shape)
        self.biasGradient = Tensor(shape: bias.shape)
    }

    /// The number of input features (rows of W).
    public var inputSize: Int { weights.shape[0] }

    /// The number of outputs (columns of W).
    public var outputSize: Int { weights.shape[1] }

    /// Returns x · W + b as `[rows, outputSize]`; a training pass also keeps x.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        forward(x, rows: nil, training: training, fusedRelu: nil)
    }

    /// Returns x · W + b, or max(x · W + b, 0) when `relu` (the layer after this one) is
    /// given: the fused bias-and-ReLU kernel then writes the ReLU's output and mask, saving a
    /// pass over the output. The result is bitwise the same as running the two layers.
    ///
    /// `rows`, in an inference pass, takes only those rows of x, read in place: how a network
    /// evaluates a large dataset chunk by chunk without copying each chunk out first.
    func forward(_ x: Tensor<Scalar>, rows: Range<Int>?, training: Bool, fusedRelu relu: Relu<Backend>?) -> Tensor<Scalar> {
        precondition(x.columns == inputSize,
                     "Affine.forward: input \(x.shapeDescription) has \(x.columns) features but W is \(weights.shapeDescription)")
        precondition(rows == nil || !training, "Affine.forward: a row range is for inference passes only")
        if training { input = x }
        return outputs.withWorkspace(training: training) { y in
            backend.matmul(x, weights, into: &y, rowsOfA: rows)
            if let relu {
                relu.forwardAddingBias(bias, to: &y, training: training)
            } else {
                backend.addRowBias(bias, to: &y)
            }
            return y
        }
    }

    /// Computes dW and db from `dout`, returns dx = dout · Wᵀ in the input's shape, and
    /// releases the cached input.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        let x = consumeInput(for: dout)
        computeParameterGradients(x: x, dout: dout)
        backend.matmul(dout, weights, into: &inputGradient, transposeB: .transposed)
        inputGradient.reshape(to: x.shape)
        return inputGradient
    }

    /// Computes dW and db only and releases the cached input. A network calls this on its
    /// first layer, whose dx nobody uses: it saves one of the layer's three matrix products.
    public func backwardParameters(_ dout: Tensor<Scalar>) {
        computeParameterGradients(x: consumeInput(for: dout), dout: dout)
    }

    private func consumeInput(for dout: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let x = input else {
            preconditionFailure("Affine.backward: no training forward pass to go back through")
        }
        precondition(dout.rows == x.rows && dout.columns == outputSize,
                     "Affine.backward: dout is \(dout.shapeDescription) but the output was \(x.rows)x\(outputSize)")
        input = nil
        return x
    }

    private func computeParameterGradients(x: Tensor<Scalar>, dout: Tensor<Scalar>) {
        backend.matmul(x, dout, into: &weightGradient, transposeA: .transposed)
        backend.columnSums(dout, into: &biasGradient)
    }
}

extension Affine {
    /// `affine:UNITS`.
    public var spec: LayerSpec { .affine(units: outputSize) }

    /// `[outputSize]` for any input of ``inputSize`` elements per sample, whatever its rank:
    /// the layer flattens it as the book's `x.reshape(x.shape[0], -1)` does.
    public func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int] {
        let elements = shape.reduce(1, *)
        guard elements == inputSize else {
            throw LayerShapeError(layer: spec.description, inputShape: shape,
                                  reason: "its weights take \(inputSize) values per sample, the input has \(elements)")
        }
        return [outputSize]
    }

    /// W and b, the book's order.
    public var parameterStems: [String] { StateNames.affineStems }

    /// W is a weight, b a bias.
    public var parameterRoles: [ParameterRole] { [.weight, .bias] }

    /// W for index 0, b for index 1.
    public func parameter(_ index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return weights
        case 1: return bias
        default: preconditionFailure("Affine: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }

    /// dL/dW for index 0, dL/db for index 1.
    public func gradient(ofParameter index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return weightGradient
        case 1: return biasGradient
        default: preconditionFailure("Affine: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }

    /// W (index 0) or b (index 1) in place, with its gradient.
    public func updateParameter(_ index: Int, _ body: (inout Tensor<Scalar>, Tensor<Scalar>) -> Void) {
        switch index {
        case 0:
            body(&weights, weightGradient)
            precondition(weights.rank == 2 && weights.shape == weightGradient.shape,
                         "Affine: W became \(weights.shapeDescription) but must stay \(weightGradient.shapeDescription)")
        case 1:
            body(&bias, biasGradient)
            precondition(bias.shape == biasGradient.shape,
                         "Affine: b became \(bias.shapeDescription) but must stay \(biasGradient.shapeDescription)")
        default: preconditionFailure("Affine: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }
}

extension Affine {
    /// dL/dW (index 0) or dL/db (index 1) in place.
    public func updateGradient(_ index: Int, _ body: (inout Tensor<Scalar>) -> Void) {
        switch index {
        case 0:
            body(&weightGradient)
            precondition(weightGradient.shape == weights.shape,
                         "Affine: dW became \(weightGradient.shapeDescription) but must stay \(weights.shapeDescription)")
        case 1:
            body(&biasGradient)
            precondition(biasGradient.shape == bias.shape,
                         "Affine: db became \(biasGradient.shapeDescription) but must stay \(bias.shapeDescription)")
        default: preconditionFailure("Affine: parameter \(index) does not exist (0 is W, 1 is b)")
        }
    }
}

extension Affine: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [weights, bias, weightGradient, biasGradient, inputGradient, outputs.training].map(\.storageAddress)
    }
}
