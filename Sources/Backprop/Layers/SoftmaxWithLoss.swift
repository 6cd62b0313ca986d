/// Softmax followed by the cross-entropy error: the last layer of a classifier during
/// training (book section 5.6.3).
///
/// The forward pass turns the scores into probabilities y and returns the mean loss over the
/// batch, computed through log-softmax so it stays finite. Because the loss is the end of
/// the graph, the backward pass starts from dL/dL = 1 and returns the book's famously
/// simple (y - t) / batchSize, both passes using the backend's fused kernels.
///
/// Targets may be one-hot rows or class indices. A training forward pass keeps a reference
/// to them, typically the trainer's reused label buffer; ``backward()`` consumes it so that
/// the trainer's next write into that buffer does not copy it.
public final class SoftmaxWithLoss<Backend: KernelBackend> {
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
