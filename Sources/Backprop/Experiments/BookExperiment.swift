/// The experiments of the book's chapter 6 (`ch06/*.py`), by the names `backprop experiment`
/// takes. Each is a type with the book's settings as defaults and a `run` returning what the
/// script measures; see the "Chapter Six" article.
public enum BookExperiment: String, Sendable, CaseIterable {
    /// ``OptimizerComparison``: SGD, Momentum, AdaGrad and Adam on MNIST (figure 6-9).
    case optimizers
    /// ``WeightInitComparison``: std 0.01, Xavier and He on MNIST (figure 6-15).
    case weightInit = "weight-init"
    /// ``BatchNormComparison``: 16 weight scales with and without batch normalization (figure 6-19).
    case batchNorm = "batch-norm"
    /// ``OverfittingComparison/weightDecay``: 300 training images with and without weight decay (figure 6-21).
    case weightDecay = "weight-decay"
    /// ``OverfittingComparison/dropout``: 300 training images with and without dropout (figure 6-23).
    case dropout
    /// ``OptimizerPaths``: four optimizers' paths on f(x, y) = x²/20 + y² (figure 6-8).
    case optimizerPaths = "optimizer-paths"

    /// The book's script the experiment ports.
    public var script: String {
        switch self {
        case .optimizers: "ch06/optimizer_compare_mnist.py"
        case .weightInit: "ch06/weight_init_compare.py"
        case .batchNorm: "ch06/batch_norm_test.py"
        case .weightDecay: "ch06/overfit_weight_decay.py"
        case .dropout: "ch06/overfit_dropout.py"
        case .optimizerPaths: "ch06/optimizer_compare_naive.py"
        }
    }

    /// Whether the experiment trains on MNIST (all but the optimizer paths).
    public var needsData: Bool { self != .optimizerPaths }
}
