/// Turns a layer list (``LayerSpec``) into layers: the one place that knows which class each
/// item becomes, used by the spec initializer of ``MultiLayerNet``, model files, imports and
/// ``MultiLayerNet/copy()``.
struct LayerBuilder<Backend: KernelBackend> {
    typealias Scalar = Backend.Scalar

    let backend: Backend

    /// The layers of `specs` for samples of shape `inputShape`, each affine layer's weights
    /// `[inputs, outputs]` and bias `[outputs]` from `affineParameters(inputs, outputs)`,
    /// called in layer order. Throws when a layer cannot take what the layers before give.
    func layers(
        _ specs: [LayerSpec], inputShape: [Int],
        affineParameters: (_ inputs: Int, _ outputs: Int) -> (weights: Tensor<Scalar>, bias: Tensor<Scalar>)
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
                let (weights, bias) = affineParameters(inputs, units)
                layer = Affine(weights: weights, bias: bias, backend: backend)
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

    /// Random initial parameters: weights normal with the standard deviation
    /// `weightInitialization` gives for the layer's fan-in, then biases, drawn from
    /// `generator` in that order, layer by layer (the book's draws, so a seed fixes them).
    static func randomParameters<Generator: RandomNumberGenerator>(
        inputs: Int, outputs: Int, weightInitialization: WeightInitialization,
        biasInitialization: BiasInitialization, generator: inout Generator
    ) -> (weights: Tensor<Scalar>, bias: Tensor<Scalar>) {
        var distribution = NormalDistribution(
            standardDeviation: weightInitialization.standardDeviation(inputCount: inputs))
        let weights: Tensor<Scalar> = distribution.tensor(shape: [inputs, outputs], using: &generator)
        return (weights, biasInitialization.tensor(count: outputs, using: &generator))
    }
}
