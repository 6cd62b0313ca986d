/// Sigmoid output units followed by squared error or binary cross-entropy: the last layer of a
/// network whose outputs are independent yes/no scores, like the per-sample network whose
/// output delta is (y - t) · y · (1 - y).
///
/// Each output is sigmoid(score), a value in (0, 1) of its own (they need not sum to 1). The
/// forward pass returns the mean loss over the batch; the backward pass returns dL/d(scores):
/// (y - t) · y · (1 - y) / batchSize for ``SigmoidLoss/squaredError``, (y - t) / batchSize for
/// ``SigmoidLoss/binaryCrossEntropy``, whose slope through the sigmoid cancels.
///
/// Targets: class indices and one-hot rows become rows of `classTargets.lowerBound` with
/// `classTargets.upperBound` at the class (0 and 1 by default; the per-sample network's
/// smoothed 0.01 and 0.99 keep the outputs away from the sigmoid's flat ends); real-valued
/// rows (``Targets/values(_:)``) are used as given. The converted targets live in a buffer of
/// the layer's own, reused from batch to batch.
public final class SigmoidWithLoss<Backend: KernelBackend>: Loss {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    private struct Workspace {
        var output = Tensor<Scalar>(shape: [0])
        var targets = Tensor<Scalar>(shape: [0])
    }

    /// The kernels this layer runs on.
    public let backend: Backend
    /// The loss taken on the sigmoid outputs.
    public let loss: SigmoidLoss
    /// The target values that class indices and one-hot rows are mapped to: lower bound for
    /// "not this class", upper bound for "this class".
    public let classTargets: ClosedRange<Double>

    private var passes = PassBuffers(Workspace())
    /// Real-valued targets of the last training forward pass, until the backward pass consumes them.
    private var heldTargets: Tensor<Scalar>?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A sigmoid output layer with `loss`, mapping class targets to `classTargets`
    /// (both bounds in [0, 1]).
    public init(backend: Backend, loss: SigmoidLoss, classTargets: ClosedRange<Double> = 0...1) {
        precondition(classTargets.lowerBound >= 0 && classTargets.upperBound <= 1,
                     "SigmoidWithLoss: class targets \(classTargets) must lie in 0...1")
        self.backend = backend
        self.loss = loss
        self.classTargets = classTargets
    }

    /// The sigmoid outputs of the last training forward pass.
    public var output: Tensor<Scalar> { passes.training.output }

    /// sigmoid(scores), elementwise: each output's probability of its class.
    public func activate(_ scores: Tensor<Scalar>, into output: inout Tensor<Scalar>) {
        backend.sigmoid(scores, into: &output)
    }

    /// Returns the mean loss of sigmoid(scores) against `targets`; a training pass keeps the
    /// outputs and targets for ``backward()``.
    public func forward(_ scores: Tensor<Scalar>, targets: Targets<Scalar>, training: Bool = true) -> Scalar {
        precondition(targets.count == scores.rows,
                     "SigmoidWithLoss.forward: scores are \(scores.shapeDescription) but there are \(targets.count) targets")
        return passes.withWorkspace(training: training) { workspace in
            let values: Tensor<Scalar>
            switch targets {
            case .values(let given):
                values = given
            case .labels(let labels):
                fillClassTargets(&workspace.targets, rows: scores.rows, columns: scores.columns) { row in Int(labels[row]) }
                values = workspace.targets
            case .oneHot(let oneHot):
                precondition(oneHot.rows == scores.rows && oneHot.columns == scores.columns,
                             "SigmoidWithLoss.forward: scores are \(scores.shapeDescription) but targets are \(oneHot.shapeDescription)")
                mapOneHot(oneHot, into: &workspace.targets)
                values = workspace.targets
            }
            if training { heldTargets = values }
            return backend.sigmoidLoss(loss, scores, targets: values, into: &workspace.output)
        }
    }

    /// Returns dL/d(scores) for the last training forward pass and releases its targets.
    public func backward() -> Tensor<Scalar> {
        guard let targets = heldTargets else {
            preconditionFailure("SigmoidWithLoss.backward: no training forward pass to go back through")
        }
        heldTargets = nil
        backend.sigmoidLossBackward(loss, output: passes.training.output, targets: targets, into: &inputGradient)
        return inputGradient
    }

    /// Rows of the lower class target with the upper one at `label(row)`.
    private func fillClassTargets(_ buffer: inout Tensor<Scalar>, rows: Int, columns: Int, label: (Int) -> Int) {
        if buffer.rank != 2 || buffer.shape[0] != rows || buffer.shape[1] != columns {
            buffer.reshape(to: [rows, columns])
        }
        let (off, on) = (Scalar(classTargets.lowerBound), Scalar(classTargets.upperBound))
        buffer.withUnsafeMutableBufferPointer { values in
            for row in 0..<rows {
                let target = label(row)
                precondition(target >= 0 && target < columns,
                             "SigmoidWithLoss.forward: label \(target) at row \(row) is outside 0..<\(columns)")
                for column in 0..<columns {
                    values[row * columns + column] = column == target ? on : off
                }
            }
        }
    }

    /// off + t · (on - off) elementwise: one-hot 0 and 1 become the class targets.
    private func mapOneHot(_ oneHot: Tensor<Scalar>, into buffer: inout Tensor<Scalar>) {
        if buffer.shape != oneHot.shape { buffer.reshape(to: oneHot.shape) }
        let (off, on) = (Scalar(classTargets.lowerBound), Scalar(classTargets.upperBound))
        oneHot.withUnsafeBufferPointer { source in
            buffer.withUnsafeMutableBufferPointer { values in
                for i in 0..<source.count { values[i] = off + source[i] * (on - off) }
            }
        }
    }
}

extension SigmoidWithLoss: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [passes.training.output.storageAddress, passes.training.targets.storageAddress, inputGradient.storageAddress]
    }
}
