/// A fully connected classifier of any depth (the book's `MultiLayerNet`, section 6.1 ff.):
/// Affine → activation → … → Affine → SoftmaxWithLoss, generic over the kernel backend.
///
/// Parameters are named `W1 b1 W2 b2 … Wn bn` in layer order, as in the book, and can be
/// read and replaced by name (see ``parameters`` and ``load(parameters:)``). The book's
/// `TwoLayerNet` is the one-hidden-layer configuration of this type (see ``TwoLayerNet``).
///
/// Two paths through the network:
/// - ``backpropagate(_:targets:)`` (and ``gradient(_:targets:)``, which returns its result)
///   is the training path: a training forward pass and the backward pass, after which each
///   layer holds its gradients. It reuses the layers' buffers and does not allocate once
///   they have the batch's size.
/// - ``predict(_:)``, ``loss(_:targets:)`` and ``accuracy(_:labels:chunkSize:)`` are the
///   inference path: they keep no cache and use separate buffers, so they can be called
///   between training steps without disturbing them.
///
/// The network is one ordered list of layers, ``layers``, closed by a ``Loss``
/// (``lossLayer``), as in the book's `OrderedDict` of layers plus `lastLayer`. Everything else
/// is derived from that list: the parameters (``parameterList``, from the layers that have
/// them) and the forward plan, in which an affine layer directly followed by ReLU runs as one
/// fused step (the bias addition and the ReLU in a single pass); running the two layers one by
/// one gives bitwise the same result.
public final class MultiLayerNet<Backend: KernelBackend> {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels every layer runs on.
    public let backend: Backend
    /// The width of each layer of units: input size, the hidden sizes, output size.
    public let sizes: [Int]
    /// The activation of the hidden layers.
    public let activation: Activation
    /// The layers in forward order: Affine1, activation, Affine2, …, AffineN.
    public let layers: [any Layer<Backend>]
    /// The output activation and loss that close the network during training.
    public let lossLayer: any Loss<Backend>
    /// Every parameter with its gradient, gathered from ``layers``: what an optimizer updates.
    public let parameterList: ParameterList<Backend>

    /// The forward pass as steps, derived from ``layers`` once (they never change).
    private let plan: [Stage]

    /// One step of the forward pass: a single layer, or an affine layer with the ReLU after it
    /// fused into its epilogue.
    private enum Stage {
        case layer(any Layer<Backend>)
        case affine(Affine<Backend>, fusedRelu: Relu<Backend>?)
    }

    /// A network made of `layers` (Affine, activation, Affine, …, Affine: affine layers whose
    /// sizes chain, with one ``Relu`` or ``Sigmoid`` between consecutive ones, the same kind
    /// throughout) closed by `loss`. Other arrangements are programmer errors and stop with a
    /// message naming the layer.
    public init(layers: [any Layer<Backend>], loss: any Loss<Backend>, backend: Backend) {
        let affines = stride(from: 0, to: layers.count, by: 2).map { index -> Affine<Backend> in
            guard let affine = layers[index] as? Affine<Backend> else {
                preconditionFailure("MultiLayerNet: layer \(index) must be Affine, got \(type(of: layers[index]))")
            }
            return affine
        }
        precondition(!layers.isEmpty && layers.count % 2 == 1,
                     "MultiLayerNet: layers must alternate Affine and an activation and end with Affine, got \(layers.count) layers")
        let activations = stride(from: 1, to: layers.count, by: 2).map { index -> Activation in
            switch layers[index] {
            case is Relu<Backend>: return .relu
            case is Sigmoid<Backend>: return .sigmoid
            case is Tanh<Backend>: return .tanh
            default: preconditionFailure("MultiLayerNet: layer \(index) must be Relu or Sigmoid, got \(type(of: layers[index]))")
            }
        }
        precondition(Set(activations).count <= 1, "MultiLayerNet: the hidden activations must all be the same, got \(activations)")
        for (earlier, later) in zip(affines, affines.dropFirst()) {
            precondition(earlier.outputSize == later.inputSize,
                         "MultiLayerNet: an affine layer outputs \(earlier.outputSize) values but the next takes \(later.inputSize)")
        }
        self.backend = backend
        self.sizes = [affines[0].inputSize] + affines.map(\.outputSize)
        self.activation = activations.first ?? .relu
        self.layers = layers
        self.lossLayer = loss
        self.parameterList = ParameterList(layers: layers, backend: backend)
        self.plan = Self.plan(of: layers)
    }

    /// A network with randomly initialized weights (normal, standard deviation from
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
        var layers: [any Layer<Backend>] = []
        for (inputs, outputs) in zip(sizes, sizes.dropFirst()) {
            if !layers.isEmpty { layers.append(activation.makeLayer(backend: backend)) }
            var distribution = NormalDistribution(
                standardDeviation: weightInitialization.standardDeviation(inputCount: inputs))
            let weights: Tensor<Scalar> = distribution.tensor(shape: [inputs, outputs], using: &generator)
            layers.append(Affine(weights: weights, bias: biasInitialization.tensor(count: outputs, using: &generator),
                                 backend: backend))
        }
        self.init(layers: layers, loss: output.makeLoss(backend: backend, classTargets: classTargets), backend: backend)
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
        default: return nil
        }
    }

    /// The number of input features.
    public var inputSize: Int { sizes[0] }

    /// The number of classes.
    public var outputSize: Int { sizes[sizes.count - 1] }

    // MARK: Inference

    /// The class scores (before the output activation) for each row of x, `[rows, outputSize]`.
    ///
    /// Rows are independent: a NaN feature makes its row's scores NaN (through either
    /// activation) and leaves every other row bitwise as it would be without it.
    public func predict(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        scores(x, rows: nil, training: false)
    }

    /// The mean loss of the network on x against `targets` (cross-entropy for the book's network).
    public func loss(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        lossLayer.forward(scores(x, rows: nil, training: false), targets: targets, training: false)
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
        precondition(x.columns == inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) features")
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
        if let first = layers[0] as? Affine<Backend> {
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

    /// The scores of x (or, in an inference pass, of its rows `rows`, read in place by the
    /// first affine layer) through every stage of the plan.
    private func scores(_ x: Tensor<Scalar>, rows: Range<Int>?, training: Bool) -> Tensor<Scalar> {
        precondition(x.columns == inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) features")
        var y = x
        for index in 0..<plan.count {
            let firstRows = index == 0 ? rows : nil
            switch plan[index] {
            case .layer(let layer):
                precondition(firstRows == nil, "MultiLayerNet: only an affine first layer reads a row range in place")
                y = layer.forward(y, training: training)
            case .affine(let affine, let relu):
                y = affine.forward(y, rows: firstRows, training: training, fusedRelu: relu)
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
