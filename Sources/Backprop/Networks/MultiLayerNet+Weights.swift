extension MultiLayerNet {
    /// A network of affine layers with the given weights (`[inputs, outputs]`, sizes
    /// chaining) and biases, `activation` between them, closed by `loss` (softmax with
    /// cross-entropy when nil): how a model file or a copy becomes a network without drawing
    /// random weights first.
    convenience init(affineParameters: [(weights: Tensor<Scalar>, bias: Tensor<Scalar>)], activation: Activation,
                     loss: (any Loss<Backend>)? = nil, backend: Backend) {
        var layers: [any Layer<Backend>] = []
        for (weights, bias) in affineParameters {
            if !layers.isEmpty { layers.append(activation.makeLayer(backend: backend)) }
            layers.append(Affine(weights: weights, bias: bias, backend: backend))
        }
        self.init(layers: layers, loss: loss ?? SoftmaxWithLoss(backend: backend), backend: backend)
    }
}
