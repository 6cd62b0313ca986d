/// The multiplication node of the book's scalar computational graph (section 5.4):
/// `forward` computes x * y, `backward` sends the upstream derivative to each input
/// multiplied by the *other* input, which is why the node remembers both inputs.
public struct MulLayer: Sendable, Equatable {
    /// The first input of the last forward pass; the backward pass needs it for dL/dy.
    public private(set) var x: Double = 0
    /// The second input of the last forward pass; the backward pass needs it for dL/dx.
    public private(set) var y: Double = 0

    /// A node that has not seen any input yet.
    public init() {}

    /// Returns x * y and remembers both inputs for the backward pass.
    public mutating func forward(_ x: Double, _ y: Double) -> Double {
        self.x = x
        self.y = y
        return x * y
    }

    /// Returns (dL/dx, dL/dy) = (dout * y, dout * x): the inputs swap roles.
    public func backward(_ dout: Double) -> (dx: Double, dy: Double) {
        (dout * y, dout * x)
    }
}
