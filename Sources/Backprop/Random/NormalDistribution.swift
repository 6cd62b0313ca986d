import RealModule

/// Samples from the normal (Gaussian) distribution with the Box–Muller transform: the
/// `np.random.randn` the book initializes weights with, made reproducible by drawing from a
/// caller-supplied generator.
///
/// Box–Muller turns two uniform numbers into two independent standard normal numbers; the
/// second is kept for the next call, so no random bits are wasted and the sequence depends
/// only on the generator.
public struct NormalDistribution: Sendable {
    /// The mean of the samples.
    public var mean: Double
    /// The standard deviation of the samples.
    public var standardDeviation: Double
    private var spare: Double?

    /// A distribution with the given mean and standard deviation (the standard normal by default).
    public init(mean: Double = 0, standardDeviation: Double = 1) {
        precondition(standardDeviation >= 0, "NormalDistribution: negative standard deviation \(standardDeviation)")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The next sample.
    public mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Double {
        if let z = spare {
            spare = nil
            return mean + standardDeviation * z
        }
        // u1 in (0, 1], so the logarithm is finite.
        let u1 = 1 - Double.random(in: 0..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        let radius = (-2 * Double.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * Double.sin(angle)
        return mean + standardDeviation * radius * Double.cos(angle)
    }

    /// A tensor of the given shape filled with samples in row-major order.
    public mutating func tensor<Scalar, Generator: RandomNumberGenerator>(
        shape: [Int], using generator: inout Generator
    ) -> Tensor<Scalar> {
        var result = Tensor<Scalar>(shape: shape)
        for i in 0..<result.count {
            result[flat: i] = Scalar(next(using: &generator))
        }
        return result
    }
}
