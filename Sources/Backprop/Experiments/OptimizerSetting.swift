/// An optimizer with its hyperparameters, as a value: what an experiment compares (the
/// book's `optimizers['SGD'] = SGD(lr=0.95)`), named as the command line and JSON name it.
public enum OptimizerSetting: Hashable, Sendable, Codable, CustomStringConvertible {
    /// ``SGD`` with this step size.
    case sgd(learningRate: Double)
    /// ``Momentum`` with this step size and momentum.
    case momentum(learningRate: Double, momentum: Double = 0.9)
    /// ``Nesterov`` with this step size and momentum.
    case nesterov(learningRate: Double, momentum: Double = 0.9)
    /// ``AdaGrad`` with this step size.
    case adaGrad(learningRate: Double)
    /// ``RMSprop`` with this step size and decay.
    case rmsProp(learningRate: Double, decay: Double = 0.99)
    /// ``Adam`` with this step size (β₁ 0.9, β₂ 0.999).
    case adam(learningRate: Double)

    /// The lowercase name the command line and JSON lines use: `sgd`, `momentum`, `nesterov`,
    /// `adagrad`, `rmsprop`, `adam`.
    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .momentum: "momentum"
        case .nesterov: "nesterov"
        case .adaGrad: "adagrad"
        case .rmsProp: "rmsprop"
        case .adam: "adam"
        }
    }

    /// The name as the book's figures print it: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam.
    public var description: String {
        switch self {
        case .sgd: "SGD"
        case .momentum: "Momentum"
        case .nesterov: "Nesterov"
        case .adaGrad: "AdaGrad"
        case .rmsProp: "RMSprop"
        case .adam: "Adam"
        }
    }

    /// The step size.
    public var learningRate: Double {
        switch self {
        case .sgd(let rate), .momentum(let rate, _), .nesterov(let rate, _), .adaGrad(let rate),
             .rmsProp(let rate, _), .adam(let rate):
            rate
        }
    }

    /// A fresh optimizer (no state yet) for parameters of type `Scalar`.
    public func makeOptimizer<Scalar: BinaryFloatingPoint & Sendable>(
        of scalar: Scalar.Type = Scalar.self
    ) -> any Optimizer<Scalar> {
        switch self {
        case .sgd(let rate): SGD<Scalar>(learningRate: rate)
        case .momentum(let rate, let momentum): Momentum<Scalar>(learningRate: rate, momentum: momentum)
        case .nesterov(let rate, let momentum): Nesterov<Scalar>(learningRate: rate, momentum: momentum)
        case .adaGrad(let rate): AdaGrad<Scalar>(learningRate: rate)
        case .rmsProp(let rate, let decay): RMSprop<Scalar>(learningRate: rate, decay: decay)
        case .adam(let rate): Adam<Scalar>(learningRate: rate)
        }
    }
}
