/// The book's `TwoLayerNet` (section 5.7): Affine → ReLU → Affine → SoftmaxWithLoss with
/// parameters W1 b1 W2 b2. It is ``MultiLayerNet`` with one hidden layer, created with the
/// book's initializer below, so both share one implementation of every pass.
public typealias TwoLayerNet<Backend: KernelBackend> = MultiLayerNet<Backend>

extension MultiLayerNet {
    /// The book's `TwoLayerNet(input_size, hidden_size, output_size, weight_init_std=0.01)`:
    /// one ReLU hidden layer, weights drawn with the fixed standard deviation
    /// `weightInitStd`, biases zero.
    public convenience init<Generator: RandomNumberGenerator>(
        inputSize: Int, hiddenSize: Int, outputSize: Int, weightInitStd: Double = 0.01,
        backend: Backend, generator: inout Generator
    ) {
        self.init(inputSize: inputSize, hiddenSizes: [hiddenSize], outputSize: outputSize,
                  activation: .relu, weightInitialization: .standardDeviation(weightInitStd),
                  backend: backend, generator: &generator)
    }

    /// As ``init(inputSize:hiddenSize:outputSize:weightInitStd:backend:generator:)`` with a
    /// ``SeededGenerator`` seeded with `seed`.
    public convenience init(
        inputSize: Int, hiddenSize: Int, outputSize: Int, weightInitStd: Double = 0.01,
        backend: Backend, seed: UInt64
    ) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, outputSize: outputSize,
                  weightInitStd: weightInitStd, backend: backend, generator: &generator)
    }
}
