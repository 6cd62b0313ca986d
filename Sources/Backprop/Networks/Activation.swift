/// The activation function of a network's hidden layers.
public enum Activation: String, Sendable, CaseIterable, Codable {
    /// max(x, 0); pairs with He initialization.
    case relu
    /// 1 / (1 + exp(-x)); pairs with Xavier initialization.
    case sigmoid
    /// tanh(x), a zero-centred sigmoid; pairs with Xavier initialization.
    case tanh

    /// A new layer computing this activation.
    func makeLayer<Backend: KernelBackend>(backend: Backend) -> any Layer<Backend> {
        switch self {
        case .relu: return Relu(backend: backend)
        case .sigmoid: return Sigmoid(backend: backend)
        case .tanh: return Tanh(backend: backend)
        }
    }
}
