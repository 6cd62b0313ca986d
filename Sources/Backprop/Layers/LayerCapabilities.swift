/// What a network asks of some layers beyond ``Layer``: capabilities a layer opts into, so that
/// the network composes any sequence of layers without knowing their types.

/// Why a layer cannot take the input the layers before it give.
public struct LayerShapeError: Error, Equatable, CustomStringConvertible {
    /// The layer's spec item (`affine:10`).
    public let layer: String
    /// The shape of one sample's input, as the layers before give it.
    public let inputShape: [Int]
    /// What the layer needs instead.
    public let reason: String

    /// An error for `layer`, which cannot take `inputShape` because of `reason`.
    public init(layer: String, inputShape: [Int], reason: String) {
        self.layer = layer
        self.inputShape = inputShape
        self.reason = reason
    }

    public var description: String {
        "layer \(layer) cannot take input of shape \(inputShape): \(reason)"
    }
}

/// What a trainable parameter is to the rules that treat parameters differently: weight decay
/// applies to weights only (the book's `0.5 * λ * ΣW²`, never to biases or batch normalization's
/// γ and β).
public enum ParameterRole: Sendable, Hashable {
    /// A weight matrix or filter bank (W).
    case weight
    /// An additive bias (b).
    case bias
    /// A multiplicative scale (batch normalization's γ).
    case scale
    /// An additive shift (batch normalization's β).
    case shift
}

/// A layer with state that is saved with the model but not trained: batch normalization's
/// running mean and variance (PyTorch's buffers). A network gathers buffers beside the
/// parameters into its state (``MultiLayerNet/state``), so model files, early stopping's best
/// copy, ``MultiLayerNet/copy()`` and the data-parallel broadcast keep them.
public protocol BufferedLayer<Backend>: Layer {
    /// The short names of the buffers in order ("running_mean", "running_var"); a network
    /// numbers them like the layer's parameters.
    var bufferStems: [String] { get }

    /// Buffer `index` (in 0 ..< bufferStems.count).
    func buffer(_ index: Int) -> Tensor<Backend.Scalar>

    /// Replaces buffer `index` by `value`, which must have the buffer's shape.
    func setBuffer(_ index: Int, to value: Tensor<Backend.Scalar>)
}

/// A layer whose output in training depends on random draws (dropout). The draws are keyed,
/// not sequential: the same seed, step, layer and sample row give the same draw whatever the
/// thread count, instruction set or data-parallel sharding, so a network sets the keys and
/// never hands the layer a generator.
public protocol RandomizedLayer<Backend>: Layer {
    /// The run's seed.
    var seed: UInt64 { get set }
    /// The layer's position in its network, so two layers draw differently.
    var layerNumber: UInt64 { get set }
    /// The training step whose draws the next training pass uses.
    var iteration: UInt64 { get set }
    /// The row of the whole minibatch that the batch's first row is (non-zero for a
    /// data-parallel process's share), so each sample draws the same whoever computes it.
    var firstRow: Int { get set }
    /// True to make training passes reuse the last draws: a numerical gradient perturbs one
    /// parameter at a time and must see the same function each time.
    var isMaskFrozen: Bool { get set }
}

/// A layer that can compute its parameters' gradients without dL/d(input): a network's first
/// layer, whose input gradient would be the gradient with respect to the data, which nobody
/// uses. Skipping it saves one of an affine layer's three matrix products per step.
public protocol InputGradientSkipping<Backend>: Layer {
    /// Computes the gradients of the layer's parameters from `dout` and releases the cache of
    /// the training forward pass, like ``Layer/backward(_:)`` without returning dx.
    func backwardParameters(_ dout: Tensor<Backend.Scalar>)
}

/// A layer whose function has kinks (ReLU at 0; max pooling where two inputs tie): it reports
/// which piece of its function each element of the last training pass was on, so a numerical
/// gradient can tell when a perturbation moved an element across a kink, where the central
/// difference measures neither side's slope.
public protocol PiecewiseLayer<Backend>: Layer {
    /// One value per element of the last training pass saying which piece it was on.
    var activePieces: [UInt8] { get }
}
