/// The addition node of the book's scalar computational graph (section 5.4): the
/// derivative of x + y is 1 for both inputs, so `backward` passes the upstream derivative
/// through unchanged and the node needs no memory.
public struct AddLayer: Sendable, Equatable {
    /// A stateless addition node.
    public init() {}

    /// Returns x + y.
    public func forward(_ x: Double, _ y: Double) -> Double {
        x + y
    }

    /// Returns (dL/dx, dL/dy) = (dout, dout).
    public func backward(_ dout: Double) -> (dx: Double, dy: Double) {
        (dout, dout)
    }
}
