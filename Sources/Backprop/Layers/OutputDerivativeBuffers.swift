/// The working memory of an activation whose derivative is a function of its own output
/// (sigmoid: y(1 - y); tanh: 1 - y²): the output of each kind of pass, the training one kept
/// for the backward pass, and dx. Sigmoid and Tanh differ only in their two kernels.
struct OutputDerivativeBuffers<Scalar: BinaryFloatingPoint & Sendable> {
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// The output of the last training pass.
    var trainingOutput: Tensor<Scalar> { outputs.training }

    /// Runs `activation(x, &y)` into the buffer of the pass and returns y.
    mutating func forward(_ x: Tensor<Scalar>, training: Bool,
                          _ activation: (Tensor<Scalar>, inout Tensor<Scalar>) -> Void) -> Tensor<Scalar> {
        outputs.withWorkspace(training: training) { y in
            activation(x, &y)
            return y
        }
    }

    /// Runs `derivative(dout, y, &dx)` with the last training output y and returns dx.
    mutating func backward(_ dout: Tensor<Scalar>,
                           _ derivative: (Tensor<Scalar>, Tensor<Scalar>, inout Tensor<Scalar>) -> Void) -> Tensor<Scalar> {
        derivative(dout, outputs.training, &inputGradient)
        return inputGradient
    }

    var storageAddresses: [UnsafeRawPointer?] {
        [outputs.training.storageAddress, inputGradient.storageAddress]
    }
}
