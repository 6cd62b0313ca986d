/// The last stage of a network during training: the output units' activation paired with the
/// loss taken on it, chosen together (softmax with cross-entropy is the book's pair).
///
/// A loss is where backpropagation starts. Its forward pass turns the scores of the last
/// affine layer into outputs and returns the mean loss over the batch; its backward pass
/// returns dL/d(scores), which the network hands to its last layer. Pairing the activation
/// with the loss lets each pair use the simple, numerically safe gradient of the two
/// together (for softmax with cross-entropy, the book's (y - t) / batchSize).
///
/// Like a ``Layer``, a loss owns its buffers and caches: a training forward pass keeps what
/// ``backward()`` needs and must be followed by it; an inference pass keeps nothing.
public protocol Loss<Backend>: AnyObject {
    /// The kernels the loss computes with.
    associatedtype Backend: KernelBackend

    /// The output units' activation of `scores` (one sample per row) into `output`: what a
    /// network reports as its outputs, the class probabilities for softmax.
    func activate(_ scores: Tensor<Backend.Scalar>, into output: inout Tensor<Backend.Scalar>)

    /// The mean loss of the activated `scores` against `targets` over the batch. A training
    /// pass keeps what ``backward()`` needs.
    func forward(_ scores: Tensor<Backend.Scalar>, targets: Targets<Backend.Scalar>,
                 training: Bool) -> Backend.Scalar

    /// dL/d(scores) of the last training forward pass; releases what that pass kept.
    func backward() -> Tensor<Backend.Scalar>
}
