/// One stage of a network that can run forward and, after a training forward pass, backward:
/// the book's layer interface (section 5.5) made generic over the kernel backend.
///
/// Layers are classes because they own state, as in the book: the cache the backward pass
/// needs (an input, a mask, an output) and their own output and gradient buffers, which are
/// reused from one batch to the next so that a training step does not allocate once the
/// buffers have their sizes.
///
/// Buffer ownership, which keeps copy-on-write from copying:
/// - The tensor a layer returns shares storage with that layer's buffer. Read it or pass it
///   to the next layer, then let it go; a copy still held when the layer next writes into
///   the buffer forces Swift to copy (allocate) the buffer.
/// - `forward(_:training: true)` keeps what the backward pass needs; `backward(_:)` consumes
///   that cache and releases any reference to another layer's buffer. A training forward
///   pass should therefore always be followed by its backward pass.
/// - `forward(_:training: false)` keeps no cache and writes into separate inference buffers,
///   so evaluating in large chunks between training steps neither resizes the training
///   buffers nor disturbs a pending backward pass.
public protocol Layer<Backend>: AnyObject {
    /// The kernels the layer computes with.
    associatedtype Backend: KernelBackend

    /// Computes the layer's output for the batch `x` (one sample per row).
    func forward(_ x: Tensor<Backend.Scalar>, training: Bool) -> Tensor<Backend.Scalar>

    /// Given dL/d(output) of the last training forward pass, returns dL/d(input) and keeps the
    /// gradients of the layer's own parameters, if it has any.
    func backward(_ dout: Tensor<Backend.Scalar>) -> Tensor<Backend.Scalar>

    /// The item that describes this layer in a network's layer list (`affine:10`, `relu`).
    var spec: LayerSpec { get }

    /// The shape of one sample's output for one sample's input of shape `shape` (the batch
    /// dimension left out), or why the layer cannot take that input. Elementwise layers keep
    /// the shape, which is the default.
    func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]
}

extension Layer {
    /// Elementwise layers give an output of the input's shape.
    public func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int] { shape }

    /// A training forward pass, the book's default.
    public func forward(_ x: Tensor<Backend.Scalar>) -> Tensor<Backend.Scalar> {
        forward(x, training: true)
    }
}
