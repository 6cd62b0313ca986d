/// Dropout (Srivastava et al. 2014; the book's section 6.4.3 and its `common/layers.py`
/// `Dropout`): each training pass drops every element with probability `ratio` and keeps the
/// rest, so that no unit can rely on particular others; inference passes keep every element.
///
/// Two conventions keep the expected output of training and inference equal:
/// - ``LayerSpec/DropoutStyle/book`` (the default): training y = x · mask, inference y = x · (1 - ratio);
/// - ``LayerSpec/DropoutStyle/inverted`` (PyTorch's `nn.Dropout`): training y = x · mask / (1 - ratio),
///   inference y = x, so a trained model needs no dropout layer at inference at all.
///
/// Masks come from a counter-based generator keyed by (``seed``, ``iteration``,
/// ``layerNumber``, global element index) (see ``DropoutMaskKey``): the mask, and so every
/// result, is the same for any thread count, instruction set and backend, and a process of a
/// data-parallel run that holds rows ``firstRow`` ..< ``firstRow`` + m of a batch draws exactly
/// those rows of the whole batch's mask. ``iteration`` advances by one after every training
/// pass, so consecutive steps draw new masks; ``isMaskFrozen`` repeats the last mask instead,
/// which a numerical gradient check needs (it runs many forward passes of one step).
public final class Dropout<Backend: KernelBackend>: Layer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// Where the scaling that keeps training and inference outputs equal in expectation goes:
    /// the book's (training x · mask, inference x · (1 - ratio)) or PyTorch's inverted dropout
    /// (training x · mask / (1 - ratio), inference x).
    public typealias Style = LayerSpec.DropoutStyle

    /// The kernels this layer runs on.
    public let backend: Backend
    /// Which convention scales the outputs.
    public var style: Style
    /// The run's seed, part of every mask's key.
    public var seed: UInt64
    /// Which dropout layer of the network this is (from 0 or 1, as the network numbers them):
    /// layers of one step draw independent masks.
    public var layerNumber: UInt64
    /// The key's iteration for the next training pass; each training pass that draws a mask
    /// advances it by one. Settable, to resume a run or replay a step.
    public var iteration: UInt64 = 0
    /// The global row of the next batch's first row: 0 for a whole batch, the shard's offset
    /// for one process of a data-parallel run.
    public var firstRow: Int = 0 {
        didSet { precondition(firstRow >= 0, "Dropout: firstRow must be non-negative, got \(firstRow)") }
    }
    /// When true, training passes reuse the last mask and leave ``iteration`` as it is (a
    /// batch of another size still draws a fresh mask, with the current key).
    public var isMaskFrozen = false

    private var storedRatio: Double
    private var storedMask: [UInt8] = []
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A dropout layer dropping a fraction `ratio` (in [0, 1)) of the elements in training.
    public init(ratio: Double = 0.5, style: Style = .book, seed: UInt64 = 0, layerNumber: UInt64 = 0,
                backend: Backend) {
        precondition(ratio >= 0 && ratio < 1, "Dropout: ratio must be in [0, 1), got \(ratio)")
        self.backend = backend
        self.storedRatio = ratio
        self.style = style
        self.seed = seed
        self.layerNumber = layerNumber
    }

    /// The probability that a training pass drops an element, in [0, 1) (the book's
    /// `dropout_ratio`; 0.5 by default, the book's experiment uses 0.2).
    public var ratio: Double {
        get { storedRatio }
        set {
            precondition(newValue >= 0 && newValue < 1, "Dropout: ratio must be in [0, 1), got \(newValue)")
            storedRatio = newValue
        }
    }

    /// 1 where the last training pass kept the element, 0 where it dropped it (row-major over
    /// the input's matrix view).
    public var mask: [UInt8] { storedMask }

    /// The factor kept elements are multiplied by in training.
    private var trainingScale: Scalar { style == .book ? 1 : 1 / (1 - Scalar(storedRatio)) }

    /// Training: x with the elements of a new mask dropped (scaled by 1 / (1 - ratio) when
    /// inverted). Inference: x · (1 - ratio) (book) or x itself (inverted).
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        guard training else {
            if style == .inverted { return x }
            return outputs.withWorkspace(training: false) { y in
                backend.scale(x, by: 1 - Scalar(storedRatio), into: &y)
                return y
            }
        }
        if !isMaskFrozen || storedMask.count != x.count {
            let key = DropoutMaskKey(seed: seed, iteration: iteration, layer: layerNumber, firstRow: firstRow)
            backend.dropoutMask(like: x, ratio: Scalar(storedRatio), key: key, into: &storedMask)
            if !isMaskFrozen { iteration &+= 1 }
        }
        return outputs.withWorkspace(training: true) { y in
            backend.dropoutApply(x, mask: storedMask, scale: trainingScale, into: &y)
            return y
        }
    }

    /// Returns dout where the last training pass kept the element (times the same scale), 0
    /// elsewhere.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(dout.count == storedMask.count,
                     "Dropout.backward: dout is \(dout.shapeDescription) but the last training pass had \(storedMask.count) elements")
        backend.dropoutApply(dout, mask: storedMask, scale: trainingScale, into: &inputGradient)
        return inputGradient
    }
}

extension Dropout: RandomizedLayer {
    /// `dropout:RATIO`, with `:inverted` for PyTorch's scaling.
    public var spec: LayerSpec { .dropout(ratio: ratio, style: style) }
}

extension Dropout: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [storedMask.storageAddress, outputs.training.storageAddress, inputGradient.storageAddress]
    }
}
