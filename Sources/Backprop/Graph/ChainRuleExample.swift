/// The book's chain-rule example (section 5.2, figures 5-7 and 5-8): z = t² with t = x + y,
/// built from an ``AddLayer`` and a ``SquareLayer``. Backpropagation multiplies the local
/// derivatives along the path, dz/dx = dz/dt · dt/dx = 2t · 1 = 2(x + y), which the book
/// derives symbolically and this example computes for numbers.
public struct ChainRuleExample: Sendable, Equatable {
    /// The input x.
    public var x: Double
    /// The input y.
    public var y: Double
    /// t = x + y.
    public var t: Double
    /// z = t².
    public var z: Double
    /// dz/dt = 2t.
    public var dzdt: Double
    /// dz/dx = 2(x + y).
    public var dzdx: Double
    /// dz/dy = 2(x + y).
    public var dzdy: Double
    /// The graph that computed these numbers, forward and backward.
    public var graph: ComputationalGraph

    /// Forward and backward through x, y -> (+) -> t -> (**2) -> z. The defaults, x = 1 and
    /// y = 2, give t = 3, z = 9 and derivatives 6 (the book leaves the values symbolic).
    public init(x: Double = 1, y: Double = 2) {
        var graph = ComputationalGraph()
        let xID = graph.input("x", x)
        let yID = graph.input("y", y)
        let tID = graph.add(xID, yID, name: "t")
        let zID = graph.square(tID, name: "z")
        graph.backward(from: zID)
        self.x = x
        self.y = y
        t = graph[tID].value
        z = graph[zID].value
        dzdt = graph[tID].gradient
        dzdx = graph[xID].gradient
        dzdy = graph[yID].gradient
        self.graph = graph
    }
}
