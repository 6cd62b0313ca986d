// Parameter access by name: what a model file stores, what an optimizer updates, and the
// gradients that go with them. The order is always W1 b1 W2 b2 … Wn bn.

/// The book's parameter names, and the shapes they have in a network of given layer widths:
/// what a network's parameter list and a model file share, whatever the backend.
enum ParameterNames {
    /// The name of a parameter of the `index`-th affine layer (0-based index, 1-based
    /// name): stem "W" gives "W1", "W2", …
    static func name(stem: String, layer index: Int) -> String { StateNames.name(stem: stem, number: index + 1) }

    /// The name and shape of every parameter of a network whose layers have the widths
    /// `sizes` (input, hidden…, output), in the order of ``MultiLayerNet/parameters``.
    static func shapes(sizes: [Int]) -> [(name: String, shape: [Int])] {
        (0..<max(sizes.count - 1, 0)).flatMap { layer in
            [(name(stem: "W", layer: layer), [sizes[layer], sizes[layer + 1]]), (name(stem: "b", layer: layer), [sizes[layer + 1]])]
        }
    }
}

extension MultiLayerNet {

    /// Every trainable parameter with its name, in layer order (W1 b1 … Wn bn for the book's
    /// networks; gamma1 beta1 after W1 b1 with batch normalization). The tensors share storage with
    /// the layers until either side changes them (copy-on-write); hold them only briefly
    /// during training, or the next update has to copy them.
    public var parameters: [(name: String, tensor: Tensor<Scalar>)] {
        (0..<parameterList.count).map { (parameterList.names[$0], parameterList.value(at: $0)) }
    }

    /// dL/dparameter from the last backward pass, named and ordered like ``parameters``.
    public var gradients: [(name: String, tensor: Tensor<Scalar>)] {
        (0..<parameterList.count).map { (parameterList.names[$0], parameterList.gradient(at: $0)) }
    }

    /// Every buffer (state that is saved but not trained: batch normalization's running
    /// mean and variance) with its name, in layer order. Empty for the book's chapter-5 networks.
    public var buffers: [(name: String, tensor: Tensor<Scalar>)] {
        bufferSlots.map { ($0.name, $0.layer.buffer($0.index)) }
    }

    /// What rebuilds the trained network besides its architecture: ``parameters`` followed by
    /// ``buffers``. What model files store, early stopping keeps as the best epoch, and
    /// ``copy()`` carries over.
    public var state: [(name: String, tensor: Tensor<Scalar>)] {
        parameters + buffers
    }

    /// Replaces every parameter and buffer by the tensor of the same name in `state` (any
    /// order). The set must name each entry of ``state`` exactly once with its exact shape;
    /// otherwise nothing changes and the first problem found is thrown.
    public func load(state: [(name: String, tensor: Tensor<Scalar>)]) throws(NetworkParameterError) {
        var byName: [String: Tensor<Scalar>] = [:]
        for (name, tensor) in state where byName.updateValue(tensor, forKey: name) != nil {
            throw .duplicate(name: name)
        }
        let current = self.state
        let expectedNames = Set(current.map(\.name))
        if let extra = state.first(where: { !expectedNames.contains($0.name) }) {
            throw .unexpected(name: extra.name)
        }
        for (name, tensor) in current {
            guard let replacement = byName[name] else { throw .missing(name: name) }
            guard replacement.shape == tensor.shape else {
                throw .shapeMismatch(name: name, expected: tensor.shape, actual: replacement.shape)
            }
        }
        for slot in 0..<parameterList.count {
            parameterList.update(slot) { value, _ in value = byName[parameterList.names[slot]]! }
        }
        for buffer in bufferSlots {
            buffer.layer.setBuffer(buffer.index, to: byName[buffer.name]!)
        }
    }
}
