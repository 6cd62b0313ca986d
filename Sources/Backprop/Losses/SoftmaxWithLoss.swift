/// Softmax followed by the cross-entropy error: the last layer of a classifier during
/// training (book section 5.6.3).
///
/// The forward pass turns the scores into probabilities y and returns the mean loss over the
/// batch, computed through log-softmax so it stays finite. Because the loss is the end of
/// the graph, the backward pass starts from dL/dL = 1 and returns the book's famously
/// simple (y - t) / batchSize, both passes using the backend's fused kernels.
///
/// Targets may be one-hot rows (or any target distributions) or class indices. A training forward pass keeps a reference
/// to them, typically the trainer's reused label buffer; ``backward()`` consumes it so that
/// the trainer's next write into that buffer does not copy it.
///
/// Extreme scores, row by row, on every backend:
/// - Finite scores of any magnitude give finite probabilities summing to 1, and scores such
///   as ±1e4 or ±1e30 a finite loss: the row maximum is subtracted before exponentiating and
///   the loss is taken from log-softmax, so no exp overflows and no log(0) is taken (no 1e-7
///   fudge term). Only a loss beyond the largest `Scalar` (a target score some 3e38 below the
///   row's maximum, in Float) is +Inf. Equal scores give the uniform distribution and the
///   loss log(n), whatever their level.
/// - +Inf scores share the probability evenly (k of them: 1/k each, 0 elsewhere); the loss is
///   log(k) if the target is one of them, +Inf otherwise. -Inf scores get probability 0, and
///   cost +Inf when they are the target.
/// - A row with a NaN, or of nothing but -Inf, has no distribution: its probabilities and its
///   gradient are NaN, and so is the batch's mean loss. Other rows are computed as without it.
/// - One class (n == 1): the probability is 1 and the loss and gradient are 0 for any score
///   but NaN or -Inf: there is nothing to learn.
public final class SoftmaxWithLoss<Backend: KernelBackend>: Loss {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    /// The targets of the last training forward pass, until the backward pass consumes them.
    private var targets: Targets<Scalar>?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A loss layer computing with `backend`.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// The softmax probabilities of the last training forward pass (the book's `self.y`).
    public var output: Tensor<Scalar> { outputs.training }

    /// The row-wise softmax of `scores`: the class probabilities.
    public func activate(_ scores: Tensor<Scalar>, into output: inout Tensor<Scalar>) {
        backend.softmax(scores, into: &output)
    }

    /// Returns the mean cross-entropy of softmax(x) against `targets` over the rows of x.
    /// A training pass keeps the probabilities and the targets for ``backward()``.
    public func forward(_ x: Tensor<Scalar>, targets: Targets<Scalar>, training: Bool = true) -> Scalar {
        precondition(targets.count == x.rows,
                     "SoftmaxWithLoss.forward: scores are \(x.shapeDescription) but there are \(targets.count) targets")
        if training { self.targets = targets }
        return outputs.withWorkspace(training: training) { y in
            backend.softmaxCrossEntropy(x, targets: targets, into: &y)
        }
    }

    /// Returns dL/dx = (y - t) / batchSize for the last training forward pass and releases
    /// its targets.
    public func backward() -> Tensor<Scalar> {
        guard let targets else {
            preconditionFailure("SoftmaxWithLoss.backward: no training forward pass to go back through")
        }
        self.targets = nil
        backend.softmaxCrossEntropyBackward(output: outputs.training, targets: targets, into: &inputGradient)
        return inputGradient
    }
}

extension SoftmaxWithLoss: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [outputs.training.storageAddress, inputGradient.storageAddress]
    }
}
