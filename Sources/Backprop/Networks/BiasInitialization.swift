/// How a network sets its initial biases.
public enum BiasInitialization: String, Sendable, CaseIterable, Codable {
    /// Every bias 0 (the book's).
    case zero
    /// Uniform in [0, 1), drawn after each layer's weights (the per-sample sigmoid network's
    /// `np.random.rand`).
    case uniform

    /// The biases of a layer with `count` outputs, drawing from `generator` when uniform.
    func tensor<Scalar: BinaryFloatingPoint & Sendable, Generator: RandomNumberGenerator>(
        count: Int, using generator: inout Generator
    ) -> Tensor<Scalar> {
        var bias = Tensor<Scalar>(shape: [count])
        if self == .uniform {
            for i in 0..<count {
                // 53 random bits, as numpy's random(): a double in [0, 1).
                bias[flat: i] = Scalar(Double(generator.next() >> 11) * 0x1p-53)
            }
        }
        return bias
    }
}
