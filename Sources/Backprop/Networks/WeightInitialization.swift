/// How a network draws its initial weights: from a normal distribution with mean 0 and a
/// standard deviation that depends on the number of inputs n of the layer (book section 6.2).
/// Biases start at 0.
public enum WeightInitialization: Sendable, Equatable {
    /// sqrt(2 / n), suited to ReLU (He et al.).
    case he
    /// sqrt(1 / n), suited to sigmoid and tanh (the book's simplified Xavier).
    case xavier
    /// The same fixed standard deviation for every layer (the book's `weight_init_std`, 0.01).
    case standardDeviation(Double)

    /// The standard deviation for a layer with `inputCount` inputs.
    public func standardDeviation(inputCount: Int) -> Double {
        switch self {
        case .he: return (2 / Double(inputCount)).squareRoot()
        case .xavier: return (1 / Double(inputCount)).squareRoot()
        case .standardDeviation(let value): return value
        }
    }
}
