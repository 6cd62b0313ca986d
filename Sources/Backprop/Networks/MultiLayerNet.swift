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
/// An affine layer directly followed by ReLU runs as one fused step (the bias addition and
/// the ReLU in a single pass); ``layers`` still lists the two layers separately, and running
/// them one by one gives bitwise the same result.
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
    /// The affine layers in order: `affineLayers[i]` holds `W(i+1)` and `b(i+1)`.
    public let affineLayers: [Affine<Backend>]
    /// The loss layer that closes the network during training.
    public let lastLayer: SoftmaxWithLoss<Backend>

    private let stages: [Stage]

    /// One step of the forward pass: a single layer, or an affine layer fused with its ReLU.
    private enum Stage {
        case layer(any Layer<Backend>)
        case affineRelu(Affine<Backend>, Relu<Backend>)
    }

    /// A network with randomly initialized weights (normal, standard deviation from
    /// `weightInitialization`) and zero biases. The weights are drawn from `generator` layer
    /// by layer in row-major order, so a seeded generator makes the network reproducible.
    public init<Generator: RandomNumberGenerator>(
        inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .relu, weightInitialization: WeightInitialization = .he,
        backend: Backend, generator: inout Generator
    ) {
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        precondition(sizes.allSatisfy { $0 > 0 }, "MultiLayerNet: every layer size must be positive, got \(sizes)")
        self.backend = backend
        self.sizes = sizes
        self.activation = activation

        var affineLayers: [Affine<Backend>] = []
        var layers: [any Layer<Backend>] = []
        var stages: [Stage] = []
        for (index, (inputs, outputs)) in zip(sizes, sizes.dropFirst()).enumerated() {
            var distribution = NormalDistribution(
                standardDeviation: weightInitialization.standardDeviation(inputCount: inputs))
            let affine = Affine(weights: distribution.tensor(shape: [inputs, outputs], using: &generator),
                                bias: Tensor(shape: [outputs]), backend: backend)
            affineLayers.append(affine)
            layers.append(affine)
            let isOutputLayer = index == sizes.count - 2
            if isOutputLayer {
                stages.append(.layer(affine))
                continue
            }
            let activationLayer = activation.makeLayer(backend: backend)
            layers.append(activationLayer)
            if let relu = activationLayer as? Relu<Backend> {
                stages.append(.affineRelu(affine, relu))
            } else {
                stages.append(.layer(affine))
                stages.append(.layer(activationLayer))
            }
        }
        self.affineLayers = affineLayers
        self.layers = layers
        self.stages = stages
        self.lastLayer = SoftmaxWithLoss(backend: backend)
    }

    /// As ``init(inputSize:hiddenSizes:outputSize:activation:weightInitialization:backend:generator:)``
    /// with a ``SeededGenerator`` seeded with `seed`.
    public convenience init(
        inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .relu, weightInitialization: WeightInitialization = .he,
        backend: Backend, seed: UInt64
    ) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                  activation: activation, weightInitialization: weightInitialization,
                  backend: backend, generator: &generator)
    }

    /// The number of input features.
    public var inputSize: Int { sizes[0] }

    /// The number of classes.
    public var outputSize: Int { sizes[sizes.count - 1] }

    // MARK: Inference

    /// The class scores (before softmax) for each row of x, `[rows, outputSize]`.
    ///
    /// Rows are independent: a NaN feature makes its row's scores NaN (through either
    /// activation) and leaves every other row bitwise as it would be without it.
    public func predict(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        scores(x, training: false)
    }

    /// The mean cross-entropy loss of the network on x against `targets`.
    public func loss(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        lastLayer.forward(scores(x, training: false), targets: targets, training: false)
    }

    /// The fraction of rows of x whose highest score is at their label. Large inputs are
    /// evaluated `chunkSize` rows at a time, read in place: memory stays bounded, no rows are
    /// copied, and the buffers of one chunk are reused for the next.
    public func accuracy(_ x: Tensor<Scalar>, labels: [Int32], chunkSize: Int = 10_000) -> Double {
        precondition(x.rows == labels.count, "accuracy: x is \(x.shapeDescription) but there are \(labels.count) labels")
        precondition(chunkSize > 0, "accuracy: chunk size must be positive, got \(chunkSize)")
        precondition(x.columns == inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) features")
        guard x.rows > 0 else { return 0 }
        var correct = 0
        for start in stride(from: 0, to: x.rows, by: chunkSize) {
            let rows = start..<min(start + chunkSize, x.rows)
            correct += Self.countCorrect(scores: scores(rowsOf: x, rows), labels: labels[rows])
        }
        return Double(correct) / Double(x.rows)
    }

    /// How many rows have their largest score (the first, on ties, like `np.argmax`) at their label.
    private static func countCorrect(scores: Tensor<Scalar>, labels: ArraySlice<Int32>) -> Int {
        scores.withUnsafeBufferPointer { countRowsWithMaximumAtLabel($0, classes: scores.columns, labels: labels) }
    }

    // MARK: Training

    /// A training forward pass on x and the backward pass from the loss: afterwards every
    /// affine layer holds dL/dW and dL/db for this batch (see ``gradients``). Returns the loss.
    @discardableResult
    public func backpropagate(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> Scalar {
        let loss = lastLayer.forward(scores(x, training: true), targets: targets, training: true)
        var dout = lastLayer.backward()
        // Index loops, here and in the other per-step code: the library's generic code runs
        // unspecialized for client modules, and there the stdlib's generic iterators over
        // these element types (`reversed()`, `enumerated()`) allocate on every step.
        for index in stride(from: layers.count - 1, to: 0, by: -1) {
            dout = layers[index].backward(dout)
        }
        // The first layer's dx would be the gradient with respect to the data: unused.
        affineLayers[0].backwardParameters(dout)
        return loss
    }

    /// The gradients of the loss on (x, targets) by backpropagation, named like ``parameters``
    /// (the book's `gradient`). The tensors share storage with the layers' gradient buffers
    /// until the next backward pass.
    public func gradient(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> [(name: String, tensor: Tensor<Scalar>)] {
        backpropagate(x, targets: targets)
        return gradients
    }

    /// The inference scores of rows `rows` of x: the first stage reads them in place.
    private func scores(rowsOf x: Tensor<Scalar>, _ rows: Range<Int>) -> Tensor<Scalar> {
        var y: Tensor<Scalar>
        switch stages[0] {
        case .affineRelu(let affine, let relu):
            y = affine.forward(rowsOf: x, rows, fusedRelu: relu)
        case .layer(let layer):
            guard let affine = layer as? Affine<Backend> else {
                preconditionFailure("MultiLayerNet: the first stage must be an affine layer")
            }
            y = affine.forward(rowsOf: x, rows, fusedRelu: nil)
        }
        for index in 1..<stages.count {
            switch stages[index] {
            case .layer(let layer):
                y = layer.forward(y, training: false)
            case .affineRelu(let affine, let relu):
                y = affine.forward(y, training: false, fusedRelu: relu)
            }
        }
        return y
    }

    private func scores(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        precondition(x.columns == inputSize,
                     "MultiLayerNet: input is \(x.shapeDescription) but the network takes \(inputSize) features")
        var y = x
        for stage in stages {
            switch stage {
            case .layer(let layer):
                y = layer.forward(y, training: training)
            case .affineRelu(let affine, let relu):
                y = affine.forward(y, training: training, fusedRelu: relu)
            }
        }
        return y
    }
}

extension MultiLayerNet: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        layers.flatMap { ($0 as? any StorageInspectable)?.storageAddresses ?? [] }
            + lastLayer.storageAddresses
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
        let rowStart = row * classes
        var best = 0
        for j in 1..<classes where scores[rowStart + j] > scores[rowStart + best] {
            best = j
        }
        if best == Int(label) { correct += 1 }
        row += 1
    }
    return correct
}
