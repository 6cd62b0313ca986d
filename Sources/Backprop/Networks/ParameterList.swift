/// Every trainable parameter of a network with its gradient, in layer order (W1 b1 W2 b2 …
/// Wn bn for the book's networks), gathered from the layers that have them.
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

    /// What each slot's parameter is (weight, bias, scale, shift), for rules such as weight decay.
    public let roles: [ParameterRole]

    /// The parameters of `layers`, in order, named per stem (see ``StateNames``).
    init(layers: [any Layer<Backend>], backend: Backend) {
        self.backend = backend
        var parameterized: [any ParameterizedLayer<Backend>] = []
        var slots: [(layer: Int, index: Int)] = []
        var names: [String] = []
        var roles: [ParameterRole] = []
        for (layer, number) in zip(layers, StateNames.numbers(of: layers)) {
            guard let layer = layer as? any ParameterizedLayer<Backend>, let number else { continue }
            precondition(layer.parameterRoles.count == layer.parameterStems.count,
                         "ParameterList: \(type(of: layer)) has \(layer.parameterStems.count) stems but \(layer.parameterRoles.count) roles")
            for (index, stem) in layer.parameterStems.enumerated() {
                slots.append((parameterized.count, index))
                names.append(StateNames.name(stem: stem, number: number))
                roles.append(layer.parameterRoles[index])
            }
            parameterized.append(layer)
        }
        self.layers = parameterized
        self.slots = slots
        self.names = names
        self.roles = roles
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

    /// Calls `body` with the gradient of the parameter in `slot`, to change in place.
    public func updateGradient(_ slot: Int, _ body: (inout Tensor<Backend.Scalar>) -> Void) {
        let (layer, index) = slots[slot]
        layers[layer].updateGradient(index, body)
    }

    /// The total number of parameter elements.
    public var elementCount: Int {
        (0..<count).reduce(0) { $0 + value(at: $1).count }
    }
}
