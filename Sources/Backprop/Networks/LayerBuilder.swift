/// Turns a layer list (``LayerSpec``) into layers: the one place that knows which class each
/// item becomes, used by the spec initializer of ``MultiLayerNet``, model files, imports and
/// ``MultiLayerNet/copy()``.
struct LayerBuilder<Backend: KernelBackend> {
    typealias Scalar = Backend.Scalar

    let backend: Backend

    /// The layers of `specs` for samples of shape `inputShape`, each affine layer's or
    /// convolution's weights (of shape `weightShape`: `[inputs, outputs]` for an affine layer,
    /// `[FN, C, FH, FW]` for a convolution) and bias `[outputs]` from
    /// `weightedParameters(weightShape, fanIn, outputs)`, called in layer order. Throws when a
    /// layer cannot take what the layers before give.
    func layers(
        _ specs: [LayerSpec], inputShape: [Int],
        weightedParameters: (_ weightShape: [Int], _ fanIn: Int, _ outputs: Int) -> (weights: Tensor<Scalar>, bias: Tensor<Scalar>)
    ) throws(LayerShapeError) -> [any Layer<Backend>] {
        guard specs.contains(where: { if case .affine = $0 { true } else { false } }) else {
            throw LayerShapeError(layer: LayerSpec.description(of: specs), inputShape: inputShape,
                                  reason: LayerSpecError.noAffineLayer.description)
        }
        var shape = inputShape
        var layers: [any Layer<Backend>] = []
        for spec in specs {
            let layer: any Layer<Backend>
            switch spec {
            case .affine(let units):
                let inputs = shape.reduce(1, *)
                guard inputs > 0 else {
                    throw LayerShapeError(layer: spec.description, inputShape: shape, reason: "the input is empty")
                }
                let (weights, bias) = weightedParameters([inputs, units], inputs, units)
                layer = Affine(weights: weights, bias: bias, backend: backend)
            case .convolution(let filters, let kernel, let stride, let pad):
                let images = try Self.images(shape, spec)
                let geometry = ConvolutionGeometry(channels: images[0], height: images[1], width: images[2], filters: filters,
                                                   kernelHeight: kernel, kernelWidth: kernel, stride: stride, pad: pad)
                guard geometry.isValid else {
                    throw LayerShapeError(layer: spec.description, inputShape: shape,
                                          reason: "a \(kernel)x\(kernel) filter with padding \(pad) does not fit the images")
                }
                let (weights, bias) = weightedParameters(geometry.weightShape, geometry.taps, filters)
                layer = Convolution(weights: weights, bias: bias, stride: stride, pad: pad, inputShape: images, backend: backend)
            case .maxPool(let size, let stride, let pad):
                let images = try Self.images(shape, spec)
                let geometry = PoolingGeometry(channels: images[0], height: images[1], width: images[2],
                                               size: size, stride: stride, pad: pad)
                guard geometry.isValid else {
                    throw LayerShapeError(layer: spec.description, inputShape: shape,
                                          reason: "a \(size)x\(size) window with padding \(pad) does not fit the images")
                }
                layer = Pooling(size: size, stride: stride, pad: pad, inputShape: images, backend: backend)
            case .activation(let activation):
                layer = activation.makeLayer(backend: backend)
            case .batchNorm(let epsilon):
                guard shape.count == 1 else {
                    throw LayerShapeError(layer: spec.description, inputShape: shape,
                                          reason: "batch normalization takes one vector of features per sample")
                }
                layer = BatchNormalization(featureCount: shape[0], epsilon: epsilon, backend: backend)
            case .dropout(let ratio, let style):
                layer = Dropout(ratio: ratio, style: style, backend: backend)
            }
            shape = try layer.outputShape(forInput: shape)
            layers.append(layer)
        }
        return layers
    }

    /// The image shape `[C, H, W]` a convolution or pooling layer reads from input of `shape`:
    /// the shape itself when it has three dimensions; anything else is refused (a flat
    /// vector has no rows and columns to slide over).
    private static func images(_ shape: [Int], _ spec: LayerSpec) throws(LayerShapeError) -> [Int] {
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw LayerShapeError(layer: spec.description, inputShape: shape,
                                  reason: "it takes images [channels, height, width]; start the network from images (e.g. MNIST as [1, 28, 28])")
        }
        return shape
    }

    /// Random initial parameters: weights of `weightShape` normal with the standard deviation
    /// `weightInitialization` gives for the layer's fan-in, then biases, drawn from
    /// `generator` in that order, layer by layer in row-major order (the book's draws, so a
    /// seed fixes them).
    static func randomParameters<Generator: RandomNumberGenerator>(
        weightShape: [Int], fanIn: Int, outputs: Int, weightInitialization: WeightInitialization,
        biasInitialization: BiasInitialization, generator: inout Generator
    ) -> (weights: Tensor<Scalar>, bias: Tensor<Scalar>) {
        var distribution = NormalDistribution(
            standardDeviation: weightInitialization.standardDeviation(inputCount: fanIn))
        let weights: Tensor<Scalar> = distribution.tensor(shape: weightShape, using: &generator)
        return (weights, biasInitialization.tensor(count: outputs, using: &generator))
    }
}
