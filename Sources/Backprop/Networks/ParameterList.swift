/// Every trainable parameter of a network with its gradient, in the book's order
/// W1 b1 W2 b2 … Wn bn, gathered from the layers that have them.
///
/// The one place the optimizer, model files and the gradient check read parameters from: a
/// position ("slot") names the same parameter for the network's whole life, so optimizers key
/// their state by it. The list holds references to the layers, not copies: values read
/// through it are the layers' current parameters, and ``update(_:_:)`` changes them in place.
public struct ParameterList<Backend: KernelBackend> {
    /// The kernels the parameters' layers compute with; what an optimizer updates with.
    public let backend: Backend
    /// The parameters' names, "W1", "b1", … in slot order.
    public let names: [String]
    private let layers: [any ParameterizedLayer<Backend>]
    private let slots: [(layer: Int, index: Int)]

    /// The parameters of `layers`, in order; the k-th parameterized layer's parameters get
    /// the number k + 1 after their stems.
    init(layers: [any Layer<Backend>], backend: Backend) {
        self.backend = backend
        self.layers = layers.compactMap { $0 as? any ParameterizedLayer<Backend> }
        var slots: [(layer: Int, index: Int)] = []
        var names: [String] = []
        for (number, layer) in self.layers.enumerated() {
            for (index, stem) in layer.parameterStems.enumerated() {
                slots.append((number, index))
                names.append(ParameterNames.name(stem: stem, layer: number))
            }
        }
        self.slots = slots
        self.names = names
    }

    /// The number of parameters (slots).
    public var count: Int { slots.count }

    /// The current value of the parameter in `slot`.
    public func value(at slot: Int) -> Tensor<Backend.Scalar> {
        let (layer, index) = slots[slot]
        return layers[layer].parameter(index)
    }

    /// dL/d(parameter in `slot`) from the last backward pass.
    public func gradient(at slot: Int) -> Tensor<Backend.Scalar> {
        let (layer, index) = slots[slot]
        return layers[layer].gradient(ofParameter: index)
    }

    /// Calls `body` with the parameter in `slot`, to change in place, and its gradient.
    public func update(_ slot: Int, _ body: (inout Tensor<Backend.Scalar>, Tensor<Backend.Scalar>) -> Void) {
        let (layer, index) = slots[slot]
        layers[layer].updateParameter(index, body)
    }
}
