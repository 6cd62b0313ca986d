extension MultiLayerNet {
    /// A network of the layers `specs` with zero parameters and default buffers, closed by
    /// `loss`: how a model file or a copy becomes a network without drawing random weights
    /// first, before ``load(state:)`` gives it its numbers. Throws when a layer cannot take
    /// its input.
    convenience init(architectureOf specs: [LayerSpec], inputShape: [Int], loss: any Loss<Backend>,
                     backend: Backend) throws(LayerShapeError) {
        let layers = try LayerBuilder(backend: backend).layers(specs, inputShape: inputShape) { weightShape, _, outputs in
            (Tensor(shape: weightShape), Tensor(shape: [outputs]))
        }
        try self.init(inputShape: inputShape, layers: layers, loss: loss, backend: backend)
    }
}
