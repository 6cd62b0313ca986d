// Parameter access by name: what a model file stores, what an optimizer updates, and the
// gradients that go with them. The order is always W1 b1 W2 b2 … Wn bn.

/// The book's parameter names, and the shapes they have in a network of given layer widths:
/// what a network's parameter list and a model file share, whatever the backend.
enum ParameterNames {
    /// The name of layer `index`'s weights (0-based index, 1-based name): "W1", "W2", …
    static func weight(layer index: Int) -> String { "W\(index + 1)" }

    /// The name of layer `index`'s bias: "b1", "b2", …
    static func bias(layer index: Int) -> String { "b\(index + 1)" }

    /// The name and shape of every parameter of a network whose layers have the widths
    /// `sizes` (input, hidden…, output), in the order of ``MultiLayerNet/parameters``.
    static func shapes(sizes: [Int]) -> [(name: String, shape: [Int])] {
        (0..<max(sizes.count - 1, 0)).flatMap { layer in
            [(weight(layer: layer), [sizes[layer], sizes[layer + 1]]), (bias(layer: layer), [sizes[layer + 1]])]
        }
    }
}

extension MultiLayerNet {

    /// Every parameter with its name, in order W1 b1 … Wn bn. The tensors share storage with
    /// the layers until either side changes them (copy-on-write); hold them only briefly
    /// during training, or the next update has to copy them.
    public var parameters: [(name: String, tensor: Tensor<Scalar>)] {
        affineLayers.enumerated().flatMap { index, affine in
            [(ParameterNames.weight(layer: index), affine.weights), (ParameterNames.bias(layer: index), affine.bias)]
        }
    }

    /// dL/dparameter from the last backward pass, named and ordered like ``parameters``.
    public var gradients: [(name: String, tensor: Tensor<Scalar>)] {
        affineLayers.enumerated().flatMap { index, affine in
            [(ParameterNames.weight(layer: index), affine.weightGradient), (ParameterNames.bias(layer: index), affine.biasGradient)]
        }
    }

    /// Replaces every parameter by the tensor of the same name in `parameters` (any order).
    /// The set must name each parameter of this network exactly once with its exact shape;
    /// otherwise nothing changes and the first problem found is thrown.
    public func load(parameters: [(name: String, tensor: Tensor<Scalar>)]) throws(NetworkParameterError) {
        var byName: [String: Tensor<Scalar>] = [:]
        for (name, tensor) in parameters where byName.updateValue(tensor, forKey: name) != nil {
            throw .duplicate(name: name)
        }
        let current = self.parameters
        let expectedNames = Set(current.map(\.name))
        if let extra = parameters.first(where: { !expectedNames.contains($0.name) }) {
            throw .unexpected(name: extra.name)
        }
        for (name, tensor) in current {
            guard let replacement = byName[name] else { throw .missing(name: name) }
            guard replacement.shape == tensor.shape else {
                throw .shapeMismatch(name: name, expected: tensor.shape, actual: replacement.shape)
            }
        }
        for (index, affine) in affineLayers.enumerated() {
            affine.weights = byName[ParameterNames.weight(layer: index)]!
            affine.bias = byName[ParameterNames.bias(layer: index)]!
        }
    }

    /// Applies one step of `optimizer` to every parameter, using the gradients of the last
    /// ``backpropagate(_:targets:)``. Parameters are updated in place; the optimizer keys its
    /// state by the parameter's position (0 = W1, 1 = b1, …), which never changes.
    public func update<Method: Optimizer>(using optimizer: inout Method) where Method.Scalar == Scalar {
        optimizer.beginStep()
        for index in 0..<affineLayers.count {
            let affine = affineLayers[index]
            optimizer.update(&affine.weights, gradient: affine.weightGradient, slot: 2 * index, backend: backend)
            optimizer.update(&affine.bias, gradient: affine.biasGradient, slot: 2 * index + 1, backend: backend)
        }
    }
}
