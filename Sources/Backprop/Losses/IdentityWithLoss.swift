/// Identity output units followed by half the squared error: the last layer of a regression
/// network, whose outputs are real values of any size (the book's `identity_function` with
/// `sum_squared_error`, section 3.5.1 and 4.2.1).
///
/// The output is the score itself. The forward pass returns 0.5 Σⱼ (yⱼ - tⱼ)² averaged over
/// the batch's rows; the backward pass returns dL/d(scores) = (y - t) / batchSize, the same
/// simple form as softmax with cross-entropy, which is why the book pairs them.
///
/// Targets are real-valued rows (``Targets/values(_:)``) or one-hot rows, used as given; class
/// indices have no meaning for a regression and stop with a precondition failure.
public final class IdentityWithLoss<Backend: KernelBackend>: Loss {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    /// The targets of the last training forward pass, until the backward pass consumes them.
    private var heldTargets: Tensor<Scalar>?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A regression output layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// The outputs of the last training forward pass: a copy of its scores.
    public var output: Tensor<Scalar> { outputs.training }

    /// A copy of `scores`: identity outputs are the predicted values.
    public func activate(_ scores: Tensor<Scalar>, into output: inout Tensor<Scalar>) {
        output = scores
    }

    /// Returns the mean over the rows of half the squared error of `scores` against `targets`;
    /// a training pass keeps the outputs and targets for ``backward()``.
    public func forward(_ scores: Tensor<Scalar>, targets: Targets<Scalar>, training: Bool = true) -> Scalar {
        precondition(targets.count == scores.rows,
                     "IdentityWithLoss.forward: scores are \(scores.shapeDescription) but there are \(targets.count) targets")
        let values: Tensor<Scalar>
        switch targets {
        case .values(let given), .oneHot(let given):
            values = given
        case .labels:
            preconditionFailure("IdentityWithLoss.forward: a regression needs real-valued targets, not class indices")
        }
        if training { heldTargets = values }
        return outputs.withWorkspace(training: training) { y in
            backend.identitySquaredError(scores, targets: values, into: &y)
        }
    }

    /// Returns dL/d(scores) = (y - t) / batchSize for the last training forward pass and
    /// releases its targets.
    public func backward() -> Tensor<Scalar> {
        guard let targets = heldTargets else {
            preconditionFailure("IdentityWithLoss.backward: no training forward pass to go back through")
        }
        heldTargets = nil
        backend.identitySquaredErrorBackward(output: outputs.training, targets: targets, into: &inputGradient)
        return inputGradient
    }
}

extension IdentityWithLoss: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [outputs.training.storageAddress, inputGradient.storageAddress]
    }
}
