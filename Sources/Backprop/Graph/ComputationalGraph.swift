/// A scalar computational graph as the book draws them (section 5.1): variables on the
/// edges, operations in the nodes. Each operation is computed by its node's ``MulLayer``,
/// ``AddLayer`` or ``SquareLayer`` while the graph is built, and ``backward(from:seed:)``
/// runs the same layer objects backwards, so the graph holds exactly the numbers the layers
/// computed — the forward value of every variable and the derivative sent along every edge —
/// and ``GraphDrawing`` draws those.
public struct ComputationalGraph: Sendable, Equatable {
    /// Names a variable of one graph (returned by the methods that add one).
    public struct VariableID: Hashable, Sendable {
        /// The variable's position in ``ComputationalGraph/variables``.
        public let index: Int
    }

    /// A value in the graph: an input, or the result of a node.
    public struct Variable: Sendable, Equatable {
        /// What the book writes beside the edge ("apple", "tax", "t"); empty for an
        /// unnamed intermediate result.
        public var name: String
        /// The forward value.
        public var value: Double
        /// The derivative of the output by this variable: 0 until ``ComputationalGraph/backward(from:seed:)``.
        public var gradient: Double = 0
        /// The node that computed it; `nil` for an input.
        public var producer: Int?
    }

    /// One operation, holding the layer that computes it.
    public enum Operation: Sendable, Equatable {
        /// x * y, by the ``MulLayer`` that computed it (it remembers x and y for the backward pass).
        case multiply(MulLayer)
        /// x + y, by an ``AddLayer``.
        case add(AddLayer)
        /// x², by the ``SquareLayer`` that computed it.
        case square(SquareLayer)

        /// The symbol in the node's circle, as the book prints it.
        public var symbol: String {
            switch self {
            case .multiply: "×"
            case .add: "+"
            case .square: "**2"
            }
        }
    }

    /// A node: an operation applied to input variables, giving one output variable.
    public struct Node: Sendable, Equatable {
        /// The layer and what it does.
        public var operation: Operation
        /// The variables it reads, in the order the operation takes them.
        public var inputs: [VariableID]
        /// The variable it computes.
        public var output: VariableID
        /// The derivative the backward pass sent to each input (aligned with `inputs`): the
        /// number the book writes beneath each incoming edge. Empty before the backward pass.
        public var inputGradients: [Double] = []
    }

    /// Every variable, in the order they were added.
    public private(set) var variables: [Variable] = []
    /// Every node, in the order they were computed (a topological order).
    public private(set) var nodes: [Node] = []

    /// An empty graph.
    public init() {}

    /// The variable `id` names.
    public subscript(id: VariableID) -> Variable {
        variables[id.index]
    }

    /// Adds an input with its value.
    public mutating func input(_ name: String, _ value: Double) -> VariableID {
        addVariable(Variable(name: name, value: value))
    }

    /// Adds a multiplication node computing x * y with a new ``MulLayer``.
    public mutating func multiply(_ x: VariableID, _ y: VariableID, name: String = "") -> VariableID {
        var layer = MulLayer()
        let value = layer.forward(self[x].value, self[y].value)
        return addNode(.multiply(layer), inputs: [x, y], value: value, name: name)
    }

    /// Adds an addition node computing x + y with a new ``AddLayer``.
    public mutating func add(_ x: VariableID, _ y: VariableID, name: String = "") -> VariableID {
        let layer = AddLayer()
        let value = layer.forward(self[x].value, self[y].value)
        return addNode(.add(layer), inputs: [x, y], value: value, name: name)
    }

    /// Adds a squaring node computing x² with a new ``SquareLayer``.
    public mutating func square(_ x: VariableID, name: String = "") -> VariableID {
        var layer = SquareLayer()
        let value = layer.forward(self[x].value)
        return addNode(.square(layer), inputs: [x], value: value, name: name)
    }

    /// Backpropagation from `output`: sets its derivative to `seed` (1: dL/dL), then calls
    /// every node's layer `backward` in reverse order with the derivative of its output,
    /// recording what each edge carries and summing, per variable, the derivatives of the
    /// edges that leave it. A variable `output` does not depend on gets 0.
    public mutating func backward(from output: VariableID, seed: Double = 1) {
        for index in variables.indices { variables[index].gradient = 0 }
        variables[output.index].gradient = seed
        for index in nodes.indices.reversed() {
            let node = nodes[index]
            let dout = variables[node.output.index].gradient
            let gradients: [Double]
            switch node.operation {
            case .multiply(let layer):
                let (dx, dy) = layer.backward(dout)
                gradients = [dx, dy]
            case .add(let layer):
                let (dx, dy) = layer.backward(dout)
                gradients = [dx, dy]
            case .square(let layer):
                gradients = [layer.backward(dout)]
            }
            nodes[index].inputGradients = gradients
            for (input, gradient) in zip(node.inputs, gradients) {
                variables[input.index].gradient += gradient
            }
        }
    }

    private mutating func addVariable(_ variable: Variable) -> VariableID {
        variables.append(variable)
        return VariableID(index: variables.count - 1)
    }

    private mutating func addNode(_ operation: Operation, inputs: [VariableID], value: Double,
                                  name: String) -> VariableID {
        let output = addVariable(Variable(name: name, value: value, producer: nodes.count))
        nodes.append(Node(operation: operation, inputs: inputs, output: output))
        return output
    }
}
