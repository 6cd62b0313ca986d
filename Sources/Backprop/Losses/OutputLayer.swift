/// The output units of a network and the loss taken on them, chosen together: only pairs whose
/// gradient is simple and well behaved exist.
public enum OutputLayer: Sendable, Hashable, Codable {
    /// Softmax with cross-entropy: one class per sample, probabilities summing to 1 (the book's).
    case softmaxCrossEntropy
    /// Independent sigmoid outputs with squared error or binary cross-entropy.
    case sigmoid(SigmoidLoss)
    /// Identity outputs with half the squared error: real-valued outputs, a regression
    /// (the book's `identity_function` with `sum_squared_error`).
    case identity

    /// The output activation of the pair.
    public enum Activation: String, Sendable, CaseIterable, Codable {
        /// Softmax across a sample's outputs.
        case softmax
        /// Sigmoid on each output.
        case sigmoid
        /// The scores themselves: real values, for a regression.
        case identity
    }

    /// The loss of the pair.
    public enum LossFunction: String, Sendable, CaseIterable, Codable {
        /// Categorical cross-entropy, for softmax outputs.
        case crossEntropy = "cross-entropy"
        /// Half the squared error, for sigmoid or identity outputs.
        case meanSquaredError = "mse"
        /// Binary cross-entropy, for sigmoid outputs.
        case binaryCrossEntropy = "binary-cross-entropy"
    }

    /// Why an output activation and a loss do not make a pair.
    public struct IncompatibleChoice: Error, Sendable, CustomStringConvertible {
        /// One line saying why, and what to use instead.
        public let description: String
    }

    /// The pair of `activation` and `loss`, or the reason they do not go together. `loss` nil
    /// picks the activation's usual loss (cross-entropy for softmax, squared error for sigmoid
    /// and identity).
    public init(activation: Activation, loss: LossFunction?) throws(IncompatibleChoice) {
        switch (activation, loss) {
        case (.softmax, nil), (.softmax, .crossEntropy?):
            self = .softmaxCrossEntropy
        case (.sigmoid, nil), (.sigmoid, .meanSquaredError?):
            self = .sigmoid(.squaredError)
        case (.sigmoid, .binaryCrossEntropy?):
            self = .sigmoid(.binaryCrossEntropy)
        case (.identity, nil), (.identity, .meanSquaredError?):
            self = .identity
        case (.identity, .crossEntropy?), (.identity, .binaryCrossEntropy?):
            throw IncompatibleChoice(description: "identity outputs are real values of any size, which cross-entropy does not take (use --loss mse)")
        case (.softmax, .meanSquaredError?):
            throw IncompatibleChoice(description: "softmax outputs pair with cross-entropy; squared error is for sigmoid outputs (use --output sigmoid)")
        case (.softmax, .binaryCrossEntropy?):
            throw IncompatibleChoice(description: "binary cross-entropy treats each output as its own yes/no, but softmax outputs share one distribution (use --output sigmoid, or --loss cross-entropy)")
        case (.sigmoid, .crossEntropy?):
            throw IncompatibleChoice(description: "cross-entropy needs outputs that sum to 1, which sigmoid outputs do not (use --output softmax, or --loss binary-cross-entropy or mse)")
        }
    }

    /// The output activation of this pair.
    public var activation: Activation {
        switch self {
        case .softmaxCrossEntropy: return .softmax
        case .sigmoid: return .sigmoid
        case .identity: return .identity
        }
    }

    /// The loss of this pair.
    public var lossFunction: LossFunction {
        switch self {
        case .softmaxCrossEntropy: return .crossEntropy
        case .sigmoid(.squaredError): return .meanSquaredError
        case .sigmoid(.binaryCrossEntropy): return .binaryCrossEntropy
        case .identity: return .meanSquaredError
        }
    }

    /// A new loss layer for this pair. `classTargets` maps class targets for sigmoid outputs
    /// (see ``SigmoidWithLoss``); softmax targets are distributions and must use 0...1, and
    /// identity outputs take real values as given.
    public func makeLoss<Backend: KernelBackend>(backend: Backend, classTargets: ClosedRange<Double> = 0...1) -> any Loss<Backend> {
        switch self {
        case .softmaxCrossEntropy:
            precondition(classTargets == 0...1,
                         "OutputLayer: softmax targets must sum to 1, so class targets stay 0...1 (got \(classTargets))")
            return SoftmaxWithLoss(backend: backend)
        case .sigmoid(let loss):
            return SigmoidWithLoss(backend: backend, loss: loss, classTargets: classTargets)
        case .identity:
            return IdentityWithLoss(backend: backend)
        }
    }
}
