/// The squaring node of the book's chain-rule example (section 5.2, figures 5-7 and 5-8):
/// `forward` computes t², `backward` multiplies the upstream derivative by dz/dt = 2t, which
/// is why the node remembers its input.
public struct SquareLayer: Sendable, Equatable {
    /// The input of the last forward pass; the backward pass needs it for 2t.
    public private(set) var x: Double = 0

    /// A node that has not seen any input yet.
    public init() {}

    /// Returns x² and remembers x for the backward pass.
    public mutating func forward(_ x: Double) -> Double {
        self.x = x
        return x * x
    }

    /// Returns dL/dx = dout * 2x.
    public func backward(_ dout: Double) -> Double {
        dout * 2 * x
    }
}
