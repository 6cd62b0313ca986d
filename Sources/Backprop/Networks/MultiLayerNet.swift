/// A network of any sequence of layers closed by a loss (the book's `MultiLayerNet`,
/// `MultiLayerNetExtend` and, in general, its `OrderedDict` of layers plus `lastLayer`;
/// PyTorch's `nn.Sequential`), generic over the kernel backend.
///
/// The network is one ordered list of layers, ``layers``, closed by a ``Loss``
/// (``lossLayer``). Everything else is derived from that list when the network is built:
/// the shapes (each layer's output shape from its input's, see ``Layer/outputShape(forInput:)``),
/// the trainable parameters (``parameterList``, from the layers that have them), the state
/// that is saved but not trained (``state``: batch normalization's running statistics), the
/// keys of random layers (dropout), and the forward plan, in which an affine layer directly
/// followed by ReLU runs as one fused step (the bias addition and the ReLU in a single pass;
/// running the two layers one by one gives bitwise the same result).
///
/// Parameters are named per stem in layer order, as the book names them: `W1 b1 W2 b2 …` for
/// the affine layers, `gamma1 beta1 gamma2 …` for batch normalization (see ``parameters``).
/// The book's `TwoLayerNet` is the one-hidden-layer configuration (see ``TwoLayerNet``).
///
/// Two paths through the network:
/// - ``backpropagate(_:targets:)`` (and ``gradient(_:targets:)``, which returns its result)
///   is the training path: a training forward pass (dropout draws, batch statistics) and the
///   backward pass, after which each layer holds its gradients. It reuses the layers' buffers
///   and does not allocate once they have the batch's size.
/// - ``predict(_:)``, ``loss(_:targets:)`` and ``accuracy(_:labels:chunkSize:)`` are the
///   inference path (no dropout, running statistics): they keep no cache and use separate
///   buffers, so they can be called between training steps without disturbing them.
public final class MultiLayerNet<Backend: KernelBackend> {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels every layer runs on.
    public let backend: Backend
    /// The shape of one sample's input (`[784]` for MNIST's flattened images).
    public let inputShape: [Int]
    /// The width of the input and of each affine layer's output: input size, the hidden
    /// sizes, output size (`[784, 50, 10]` for the book's TwoLayerNet).
    public let sizes: [Int]
    /// The layers in forward order (Affine1, ReLU, Affine2, … for the book's networks).
    public let layers: [any Layer<Backend>]
    /// The output activation and loss that close the network during training.
    public let lossLayer: any Loss<Backend>
    /// Every parameter with its gradient, gathered from ``layers``: what an optimizer updates.
    public let parameterList: ParameterList<Backend>

    /// The forward pass as steps, derived from ``layers`` once (they never change).
    private let plan: [Stage]
    /// Every buffer (``BufferedLayer``) with its name, in layer order.
    let bufferSlots: [(name: String, layer: any BufferedLayer<Backend>, index: Int)]
    /// The layers whose training passes draw random numbers.
    private let randomizedLayers: [any RandomizedLayer<Backend>]
    /// Rows of an input read in place when the first stage cannot read a row range itself.
    private var chunkInput = Tensor<Scalar>(shape: [0])

    /// One step of the forward pass: a single layer, or an affine layer with the ReLU after it
    /// fused into its epilogue.
    private enum Stage {
        case layer(any Layer<Backend>)
        case affine(Affine<Backend>, fusedRelu: Relu<Backend>?)
    }

    /// A network made of `layers`, taking samples of shape `inputShape`, closed by `loss`.
    /// Throws when a layer cannot take what the layers before it give (naming the layer and
    /// the shapes), or when the list has no layer or gives no outputs.
    public init(inputShape: [Int], layers: [any Layer<Backend>], loss: any Loss<Backend>,
                backend: Backend) throws(LayerShapeError) {
        guard !layers.isEmpty else {
            throw LayerShapeError(layer: "(none)", inputShape: inputShape, reason: "a network needs at least one layer")
        }
        var shape = inputShape
        var sizes = [inputShape.reduce(1, *)]
        for layer in layers {
            shape = try layer.outputShape(forInput: shape)
            if let affine = layer as? Affine<Backend> { sizes.append(affine.outputSize) }
        }
        guard shape.count == 1 else {
            throw LayerShapeError(layer: layers[layers.count - 1].spec.description, inputShape: shape,
                                  reason: "the loss needs one vector of scores per sample")
        }
        self.backend = backend
        self.inputShape = inputShape
        self.sizes = sizes
        self.layers = layers
        self.lossLayer = loss
        self.parameterList = ParameterList(layers: layers, backend: backend)
        self.plan = Self.plan(of: layers)
        self.bufferSlots = StateNames.buffers(of: layers)
        var randomized: [any RandomizedLayer<Backend>] = []
        for (number, layer) in layers.enumerated() {
            guard let random = layer as? any RandomizedLayer<Backend> else { continue }
            random.layerNumber = UInt64(number)
            randomized.append(random)
        }
        self.randomizedLayers = randomized
    }

    /// A network made of `layers` whose first affine layer fixes the input size (the
    /// book's fully connected networks), closed by `loss`. Layers that do not fit together
    /// are programmer errors and stop with a message naming the layer and the shapes.
    public convenience init(layers: [any Layer<Backend>], loss: any Loss<Backend>, backend: Backend) {
        guard let first = layers.lazy.compactMap({ $0 as? Affine<Backend> }).first else {
            preconditionFailure("MultiLayerNet: without an input shape the layers need an affine layer to take it from")
        }
        do {
            try self.init(inputShape: [first.inputSize], layers: layers, loss: loss, backend: backend)
        } catch {
            preconditionFailure("MultiLayerNet: \(error)")
        }
    }

    /// A network built from the layer list `specs` for samples of shape `inputShape`, with
    /// randomly initialized weights (normal, standard deviation from `weightInitialization`
    /// and each affine layer's fan-in), biases from `biasInitialization` (zero by default),
    /// batch normalization starting at γ = 1, β = 0, and the output units and loss of
    /// `output`. The weights are drawn from `generator` layer by layer in row-major order,
    /// each layer's biases after its weights when they are random, so a seeded generator
    /// makes the network reproducible. Throws when a layer cannot take its input.
    public convenience init<Generator: RandomNumberGenerator>(
        inputShape: [Int], layers specs: [LayerSpec],
        weightInitialization: WeightInitialization = .he, biasInitialization: BiasInitialization = .zero,
        output: OutputLayer = .softmaxCrossEntropy, classTargets: ClosedRange<Double> = 0...1,
        backend: Backend, generator: inout Generator
    ) throws(LayerShapeError) {
        let layers = try LayerBuilder(backend: backend).layers(specs, inputShape: inputShape) { weightShape, fanIn, outputs in
            LayerBuilder<Backend>.randomParameters(weightShape: weightShape, fanIn: fanIn, outputs: outputs,
                                                   weightInitialization: weightInitialization,
                                                   biasInitialization: biasInitialization, generator: &generator)
        }
        try self.init(inputShape: inputShape, layers: layers,
                      loss: output.makeLoss(backend: backend, classTargets: classTargets), backend: backend)
    }

    /// A fully connected network with randomly initialized weights (normal, standard deviation from
    /// `weightInitialization`), biases from `biasInitialization` (zero by default) and the
    /// output units and loss of `output` (softmax with cross-entropy by default; `classTargets`
    /// maps class targets for sigmoid outputs, see ``SigmoidWithLoss``). The weights are drawn
    /// from `generator` layer by layer in row-major order, each layer's biases after its
    /// weights when they are random, so a seeded generator makes the network reproducible.
    public convenience init<Generator: RandomNumberGenerator>(
        inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .relu, weightInitialization: WeightInitialization = .he,
        biasInitialization: BiasInitialization = .zero,
        output: OutputLayer = .softmaxCrossEntropy, classTargets: ClosedRange<Double> = 0...1,
        backend: Backend, generator: inout Generator
    ) {
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        precondition(sizes.allSatisfy { $0 > 0 }, "MultiLayerNet: every layer size must be positive, got \(sizes)")
        do {
            try self.init(inputShape: [inputSize],
                          layers: LayerSpec.fullyConnected(hiddenSizes: hiddenSizes, outputSize: outputSize, activation: activation),
                          weightInitialization: weightInitialization, biasInitialization: biasInitialization,
                          output: output, classTargets: classTargets, backend: backend, generator: &generator)
        } catch {
            preconditionFailure("MultiLayerNet: \(error)")
        }
    }

    /// As ``init(inputSize:hiddenSizes:outputSize:activation:weightInitialization:biasInitialization:output:classTargets:backend:generator:)``
    /// with a ``SeededGenerator`` seeded with `seed`.
    public convenience init(
        inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .relu, weightInitialization: WeightInitialization = .he,
        biasInitialization: BiasInitialization = .zero,
        output: OutputLayer = .softmaxCrossEntropy, classTargets: ClosedRange<Double> = 0...1,
        backend: Backend, seed: UInt64
    ) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                  activation: activation, weightInitialization: weightInitialization,
                  biasInitialization: biasInitialization, output: output, classTargets: classTargets,
                  backend: backend, generator: &generator)
    }

    /// The forward steps of `layers`: each affine layer followed by a ReLU absorbs it.
    private static func plan(of layers: [any Layer<Backend>]) -> [Stage] {
        var stages: [Stage] = []
        var index = 0
        while index < layers.count {
            if let affine = layers[index] as? Affine<Backend> {
                let relu = index + 1 < layers.count ? layers[index + 1] as? Relu<Backend> : nil
                stages.append(.affine(affine, fusedRelu: relu))
                index += relu == nil ? 1 : 2
            } else {
                stages.append(.layer(layers[index]))
                index += 1
            }
        }
        return stages
    }

    /// The output units and loss, when ``lossLayer`` is one of the library's pairs.
    public var output: OutputLayer? {
        switch lossLayer {
        case is SoftmaxWithLoss<Backend>: return .softmaxCrossEntropy
        case let sigmoid as SigmoidWithLoss<Backend>: return .sigmoid(sigmoid.loss)
        case is IdentityWithLoss<Backend>: return .identity
        default: return nil
        }
    }

    /// The number of input values per sample (the product of ``inputShape``).
    public var inputSize: Int { sizes[0] }

    /// The number of outputs per sample (classes, or targets).
    public var outputSize: Int { sizes[sizes.count - 1] }

    /// The layer list that rebuilds this network's architecture (see ``LayerSpec``).
    public var spec: [LayerSpec] { layers.map(\.spec) }

    /// The hidden activation when the network is the book's fully connected kind (affine
    /// layers with one activation between them, the same throughout); nil otherwise.
    public var activation: Activation? {
        guard case .activation(let activation)? = spec.dropFirst().first else { return nil }
        let plain = LayerSpec.fullyConnected(hiddenSizes: Array(sizes.dropFirst().dropLast()),
                                             outputSize: outputSize, activation: activation)
        return spec == plain ? activation : nil
    }

    /// A short description for reports: the book's `784-50-10 relu` for fully connected
    /// networks, the input size and the layer list otherwise.
    public var architectureDescription: String {
        let widths = sizes.map(String.init).joined(separator: "-")
        if spec == [.affine(units: outputSize)] { return widths }
        if let activation { return "\(widths) \(activation.rawValue)" }
        return "\(inputShape.map(String.init).joined(separator: "x")) -> \(LayerSpec.description(of: spec))"
    }

    /// Sets the keys of every random layer's next training draws: the run's `seed`, the
    /// training step `iteration`, and the global row of the batch's first row (non-zero for a
    /// data-parallel process's share). What a trainer calls before each step, so a run's
    /// dropout masks depend on nothing else.
    public func setRandomKeys(seed: UInt64, iteration: Int, firstRow: Int = 0) {
        for index in 0..<randomizedLayers.count {
            let layer = randomizedLayers[index]
            layer.seed = seed
            layer.iteration = UInt64(iteration)
            layer.firstRow = firstRow
        }
    }

    /// Makes the random layers repeat their last draws in training passes (true) or draw
    /// anew (false): a numerical gradient needs the same function at every perturbation.
    func freezeRandomDraws(_ frozen: Bool) {
        for index in 0..<randomizedLayers.count {
            let layer = randomizedLayers[index]
            layer.isMaskFrozen = frozen
        }
    }

    /// Whether any layer draws random numbers in training passes.
    public var hasRandomLayers: Bool { !randomizedLayers.isEmpty }

    // MARK: Inference

    /// The class scores (before the output activation) for each row of x, `[rows, outputSize]`:
    /// for a regression network (identity outputs, ``OutputLayer/identity``) the predicted
    /// values themselves.
    ///
    /// Rows are independent: a NaN feature makes its row's scores NaN (through either
    /// activation) and leaves every other row bitwise as it would be without it.
    public func predict(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        scores(x, rows: nil, training: false)
    }

    /// The mean loss of the network on x against `targets` (cross-entropy for the book's
    /// network), from an inference pass.
    public func loss(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        lossLayer.forward(scores(x, rows: nil, training: false), targets: targets, training: false)
    }

    /// The mean loss from a training-mode forward pass (dropout draws, batch statistics) that
    /// is not followed by a backward pass: what a numerical gradient differentiates, as the
    /// book's `loss(x, t, train_flg=True)`. It updates batch normalization's running
    /// statistics like any training pass; callers that must not change them save ``state``.
    func trainingLoss(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        let loss = lossLayer.forward(scores(x, rows: nil, training: true), targets: targets, training: true)
        _ = lossLayer.backward()
        return loss
    }

    /// The fraction of rows of x whose highest score is at their label. Large inputs are
    /// evaluated `chunkSize` rows at a time, read in place: memory stays bounded, no rows are
    /// copied, and the buffers of one chunk are reused for the next.
    public func accuracy(_ x: Tensor<Scalar>, labels: [Int32], chunkSize: Int = 10_000) -> Double {
        precondition(x.rows == labels.count, "accuracy: x is \(x.shapeDescription) but there are \(labels.count) labels")
        let correct = correctCount(x, labels: labels, rows: 0..<x.rows, chunkSize: chunkSize)
        return x.rows > 0 ? Double(correct) / Double(x.rows) : 0
    }

    /// How many of rows `rows` of x have their highest score at their label, evaluated
    /// `chunkSize` rows at a time in place: a share of an accuracy that processes split.
    func correctCount(_ x: Tensor<Scalar>, labels: [Int32], rows: Range<Int>, chunkSize: Int) -> Int {
        precondition(chunkSize > 0, "accuracy: chunk size must be positive, got \(chunkSize)")
        precondition(x.count == x.rows * inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) values per sample")
        var correct = 0
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: chunkSize) {
            let chunk = start..<min(start + chunkSize, rows.upperBound)
            correct += Self.countCorrect(scores: scores(x, rows: chunk, training: false), labels: labels[chunk])
        }
        return correct
    }

    /// The mean loss on x against the class `labels`, and how many rows have their highest
    /// score at their label, from one inference pass: what a validation chunk is measured by.
    func lossAndCorrectCount(_ x: Tensor<Scalar>, labels: [Int32]) -> (loss: Scalar, correct: Int) {
        let scores = scores(x, rows: nil, training: false)
        let correct = Self.countCorrect(scores: scores, labels: labels[...])
        return (lossLayer.forward(scores, targets: .labels(labels), training: false), correct)
    }

    /// How many rows have their largest score (the first, on ties, like `np.argmax`) at their label.
    private static func countCorrect(scores: Tensor<Scalar>, labels: ArraySlice<Int32>) -> Int {
        scores.withUnsafeBufferPointer { countRowsWithMaximumAtLabel($0, classes: scores.columns, labels: labels) }
    }

    // MARK: Training

    /// A training forward pass on x and the backward pass from the loss: afterwards every
    /// parameterized layer holds dL/dW and dL/db for this batch (see ``gradients``). Returns the loss.
    @discardableResult
    public func backpropagate(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        let loss = lossLayer.forward(scores(x, rows: nil, training: true), targets: targets, training: true)
        var dout = lossLayer.backward()
        // Index loops, here and in the other per-step code: the library's generic code runs
        // unspecialized for client modules, and there the stdlib's generic iterators over
        // these element types (`reversed()`, `enumerated()`) allocate on every step.
        for index in stride(from: layers.count - 1, to: 0, by: -1) {
            dout = layers[index].backward(dout)
        }
        // The first layer's dx would be the gradient with respect to the data: unused.
        if let first = layers[0] as? any InputGradientSkipping<Backend> {
            first.backwardParameters(dout)
        } else {
            _ = layers[0].backward(dout)
        }
        return loss
    }

    /// The gradients of the loss on (x, targets) by backpropagation, named like ``parameters``
    /// (the book's `gradient`). The tensors share storage with the layers' gradient buffers
    /// until the next backward pass.
    public func gradient(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> [(name: String, tensor: Tensor<Scalar>)] {
        backpropagate(x, targets: targets)
        return gradients
    }

    /// The scores of x (or, in an inference pass, of its rows `rows`: read in place by a
    /// first affine layer, copied out first otherwise) through every stage of the plan.
    func scores(_ x: Tensor<Scalar>, rows: Range<Int>?, training: Bool) -> Tensor<Scalar> {
        precondition(x.count == x.rows * inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) values per sample")
        var y = x
        var firstRows = rows
        if let rows, case .layer = plan[0] {
            chunkInput.copyRows(of: x, in: rows)
            y = chunkInput
            firstRows = nil
        }
        for index in 0..<plan.count {
            switch plan[index] {
            case .layer(let layer):
                y = layer.forward(y, training: training)
            case .affine(let affine, let relu):
                y = affine.forward(y, rows: index == 0 ? firstRows : nil, training: training, fusedRelu: relu)
            }
        }
        return y
    }
}

extension MultiLayerNet: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        layers.flatMap { ($0 as? any StorageInspectable)?.storageAddresses ?? [] }
            + ((lossLayer as? any StorageInspectable)?.storageAddresses ?? [])
    }
}

/// The argmax loop of ``MultiLayerNet/accuracy(_:labels:chunkSize:)``, outside the generic
/// class so that it can be pre-specialized: networks built in a client module run the
/// library's generic code unspecialized, where each comparison would go through a witness table.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func countRowsWithMaximumAtLabel<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafeBufferPointer<Scalar>, classes: Int, labels: ArraySlice<Int32>
) -> Int {
    var correct = 0
    var row = 0
    for label in labels {
        if indexOfRowMaximum(scores, row: row, columns: classes) == Int(label) { correct += 1 }
        row += 1
    }
    return correct
}

/// The index of the largest element of row `row` (the first on ties, like `np.argmax`; 0 for
/// a row of NaN): the argmax that accuracy counts and `classify` returns.
@inline(__always)
func indexOfRowMaximum<Scalar: BinaryFloatingPoint>(_ scores: UnsafeBufferPointer<Scalar>, row: Int, columns: Int) -> Int {
    let start = row * columns
    var best = 0
    for j in 1..<columns where scores[start + j] > scores[start + best] {
        best = j
    }
    return best
}
