/// Batch normalization (Ioffe and Szegedy 2015; the book's section 6.3 and its
/// `common/layers.py` `BatchNormalization`): each feature (column of the batch's matrix view,
/// as the book flattens its input) is normalized to mean 0 and variance 1 over the batch, then
/// scaled by γ and shifted by β, which are trained.
///
/// - Training passes use the batch's mean and biased variance, and move the running
///   statistics towards them: running = momentum · running + (1 - momentum) · batch statistic
///   (the book's convention, momentum 0.9; PyTorch's `momentum` is 1 minus this, 0.1, and it
///   keeps the unbiased variance).
/// - Inference passes use the running statistics, so a sample's output does not depend on
///   the rest of its batch.
///
/// The statistics are computed in Double and each column summed over the rows in ascending
/// order (see `ck_batchnorm_forward_training`), so results are bitwise the same for any
/// thread count, instruction set, and on both backends in Float.
///
/// A training batch of one sample is allowed but degenerate: its variance is 0, x̂ is 0 and
/// the output is exactly β whatever the input (for any ε > 0; with ε = 0 it is 0 / 0, NaN),
/// so dL/dx is 0 and dL/dγ is 0. That is why a
/// gradient check of this layer needs a batch of at least two samples (the book's own check,
/// on one sample, compares zeros with zeros for everything but β).
public final class BatchNormalization<Backend: KernelBackend>: ParameterizedLayer {
    /// The element type of the backend this type computes with.
    public typealias Scalar = Backend.Scalar

    /// The kernels this layer runs on.
    public let backend: Backend
    /// γ, the per-feature scale, `[featureCount]` (ones by default).
    public internal(set) var gamma: Tensor<Scalar>
    /// β, the per-feature shift, `[featureCount]` (zeros by default).
    public internal(set) var beta: Tensor<Scalar>
    /// dL/dγ of the last backward pass.
    public internal(set) var gammaGradient: Tensor<Scalar>
    /// dL/dβ of the last backward pass (the column sums of dout).
    public internal(set) var betaGradient: Tensor<Scalar>
    /// How much of the running statistics a training pass keeps (the book's 0.9).
    public var momentum: Double
    /// Added to the variance before its square root: the book's `10e-7` (1e-6) by default;
    /// PyTorch's `BatchNorm1d` uses 1e-5, which an imported model should keep.
    public var epsilon: Double

    private var storedRunningMean: Tensor<Scalar>
    private var storedRunningVariance: Tensor<Scalar>
    private var outputs = PassBuffers(Tensor<Scalar>(shape: [0]))
    // The training pass's x̂ and 1 / sqrt(variance + ε), for the backward pass. Two stored
    // properties, not one struct: the kernel writes both at once, and two simultaneous inout
    // accesses to parts of one stored property of a class are an exclusivity conflict.
    private var normalized = Tensor<Scalar>(shape: [0])
    private var inverseStandardDeviation = Tensor<Scalar>(shape: [0])
    /// The shape of the last training input, for dx.
    private var inputShape: [Int]?
    private var inputGradient = Tensor<Scalar>(shape: [0])

    /// A layer for `featureCount` features with γ = 1, β = 0 and running statistics 0 (as the
    /// book starts them).
    public convenience init(featureCount: Int, momentum: Double = 0.9, epsilon: Double = 1e-6, backend: Backend) {
        precondition(featureCount > 0, "BatchNormalization: featureCount must be positive, got \(featureCount)")
        self.init(gamma: Tensor(shape: [featureCount], repeating: 1), beta: Tensor(shape: [featureCount]),
                  runningMean: Tensor(shape: [featureCount]), runningVariance: Tensor(shape: [featureCount]),
                  momentum: momentum, epsilon: epsilon, backend: backend)
    }

    /// A layer with the given parameters and running statistics (from a model file): four
    /// vectors of one element per feature.
    public init(gamma: Tensor<Scalar>, beta: Tensor<Scalar>, runningMean: Tensor<Scalar>,
                runningVariance: Tensor<Scalar>, momentum: Double = 0.9, epsilon: Double = 1e-6, backend: Backend) {
        precondition(gamma.rank == 1, "BatchNormalization: gamma must be [features], got \(gamma.shape)")
        for (name, vector) in [("beta", beta), ("runningMean", runningMean), ("runningVariance", runningVariance)] {
            precondition(vector.shape == gamma.shape,
                         "BatchNormalization: \(name) must be \(gamma.shape) like gamma, got \(vector.shape)")
        }
        precondition(epsilon >= 0, "BatchNormalization: epsilon must be non-negative, got \(epsilon)")
        self.backend = backend
        self.gamma = gamma
        self.beta = beta
        self.gammaGradient = Tensor(shape: gamma.shape)
        self.betaGradient = Tensor(shape: gamma.shape)
        self.storedRunningMean = runningMean
        self.storedRunningVariance = runningVariance
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The number of features (columns of the input's matrix view).
    public var featureCount: Int { gamma.count }

    /// The running mean per feature that inference passes subtract; saved in model files
    /// (not trained). Setting it requires `[featureCount]`.
    public var runningMean: Tensor<Scalar> {
        get { storedRunningMean }
        set {
            precondition(newValue.shape == gamma.shape,
                         "BatchNormalization: runningMean must be \(gamma.shape), got \(newValue.shape)")
            storedRunningMean = newValue
        }
    }

    /// The running (biased) variance per feature that inference passes divide by; saved in
    /// model files (not trained). Setting it requires `[featureCount]`.
    public var runningVariance: Tensor<Scalar> {
        get { storedRunningVariance }
        set {
            precondition(newValue.shape == gamma.shape,
                         "BatchNormalization: runningVariance must be \(gamma.shape), got \(newValue.shape)")
            storedRunningVariance = newValue
        }
    }

    /// Normalizes x (one sample per row, `featureCount` features) and returns γ·x̂ + β in x's
    /// shape: with the batch's statistics in training (updating the running ones), with the
    /// running statistics in inference.
    public func forward(_ x: Tensor<Scalar>, training: Bool) -> Tensor<Scalar> {
        precondition(x.columns == featureCount,
                     "BatchNormalization.forward: input \(x.shapeDescription) has \(x.columns) features, the layer \(featureCount)")
        if training {
            inputShape = x.shape
            return outputs.withWorkspace(training: true) { y in
                backend.batchNormTraining(x, gamma: gamma, beta: beta, epsilon: Scalar(epsilon),
                                          momentum: Scalar(momentum), runningMean: &storedRunningMean,
                                          runningVariance: &storedRunningVariance, normalized: &normalized,
                                          inverseStandardDeviation: &inverseStandardDeviation, into: &y)
                return y
            }
        }
        return outputs.withWorkspace(training: false) { y in
            backend.batchNormInference(x, gamma: gamma, beta: beta, runningMean: storedRunningMean,
                                       runningVariance: storedRunningVariance, epsilon: Scalar(epsilon), into: &y)
            return y
        }
    }

    /// Computes dγ and dβ from `dout` and returns dx in the shape of the last training input.
    public func backward(_ dout: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let shape = inputShape else {
            preconditionFailure("BatchNormalization.backward: no training forward pass to go back through")
        }
        precondition(dout.count == shape.reduce(1, *) && dout.columns == featureCount,
                     "BatchNormalization.backward: dout is \(dout.shapeDescription) but the input was \(shape)")
        backend.batchNormBackward(dout, normalized: normalized,
                                  inverseStandardDeviation: inverseStandardDeviation, gamma: gamma,
                                  gammaGradient: &gammaGradient, betaGradient: &betaGradient, into: &inputGradient)
        inputGradient.reshape(to: shape)
        return inputGradient
    }
}

extension BatchNormalization {
    /// gamma and beta, PyTorch's `weight` and `bias` of a `BatchNorm1d`.
    public var parameterStems: [String] { StateNames.batchNormParameterStems }

    /// γ for index 0, β for index 1.
    public func parameter(_ index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return gamma
        case 1: return beta
        default: preconditionFailure("BatchNormalization: parameter \(index) does not exist (0 is gamma, 1 is beta)")
        }
    }

    /// dL/dγ for index 0, dL/dβ for index 1.
    public func gradient(ofParameter index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return gammaGradient
        case 1: return betaGradient
        default: preconditionFailure("BatchNormalization: parameter \(index) does not exist (0 is gamma, 1 is beta)")
        }
    }

    /// γ (index 0) or β (index 1) in place, with its gradient.
    public func updateParameter(_ index: Int, _ body: (inout Tensor<Scalar>, Tensor<Scalar>) -> Void) {
        switch index {
        case 0: body(&gamma, gammaGradient)
        case 1: body(&beta, betaGradient)
        default: preconditionFailure("BatchNormalization: parameter \(index) does not exist (0 is gamma, 1 is beta)")
        }
        precondition(gamma.shape == storedRunningMean.shape && beta.shape == storedRunningMean.shape,
                     "BatchNormalization: gamma and beta must stay \(storedRunningMean.shape)")
    }

    /// dL/dγ (index 0) or dL/dβ (index 1) in place.
    public func updateGradient(_ index: Int, _ body: (inout Tensor<Scalar>) -> Void) {
        switch index {
        case 0: body(&gammaGradient)
        case 1: body(&betaGradient)
        default: preconditionFailure("BatchNormalization: parameter \(index) does not exist (0 is gamma, 1 is beta)")
        }
        precondition(gammaGradient.shape == gamma.shape && betaGradient.shape == beta.shape,
                     "BatchNormalization: the gradients must stay \(gamma.shape)")
    }
}

extension BatchNormalization: BufferedLayer {
    /// `batchnorm`, or `batchnorm:eps=E` for an epsilon other than the book's.
    public var spec: LayerSpec { .batchNorm(epsilon: epsilon) }

    /// γ scales, β shifts; neither is decayed.
    public var parameterRoles: [ParameterRole] { [.scale, .shift] }

    /// The running mean and variance, the book's attribute names (PyTorch's buffers).
    public var bufferStems: [String] { StateNames.batchNormBufferStems }

    /// The running mean (index 0) or variance (index 1).
    public func buffer(_ index: Int) -> Tensor<Scalar> {
        switch index {
        case 0: return runningMean
        case 1: return runningVariance
        default: preconditionFailure("BatchNormalization: buffer \(index) does not exist (0 is running_mean, 1 is running_var)")
        }
    }

    /// Replaces the running mean (index 0) or variance (index 1); the shape must stay `[featureCount]`.
    public func setBuffer(_ index: Int, to value: Tensor<Scalar>) {
        switch index {
        case 0: runningMean = value
        case 1: runningVariance = value
        default: preconditionFailure("BatchNormalization: buffer \(index) does not exist (0 is running_mean, 1 is running_var)")
        }
    }
}

extension BatchNormalization: StorageInspectable {
    var storageAddresses: [UnsafeRawPointer?] {
        [gamma, beta, gammaGradient, betaGradient, storedRunningMean, storedRunningVariance, outputs.training,
         normalized, inverseStandardDeviation, inputGradient].map(\.storageAddress)
    }
}
