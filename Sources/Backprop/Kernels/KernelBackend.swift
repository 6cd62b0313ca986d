/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// The kernels a fully connected network needs, written once per implementation.
///
/// Two implementations exist: ``FastBackend`` calls the vectorized, multi-threaded C core
/// (Float only), ``ReferenceBackend`` is plain Swift loops generic over the scalar type, easy
/// to read and usable in Double for gradient checks. Layers and networks are generic over
/// the backend, so any model runs on either and tests can compare the two.
///
/// The requirements come in seven narrow protocols, each with one conformance file per
/// backend: ``MatrixKernels``, ``ActivationKernels``, ``LossKernels``, ``OptimizerKernels``,
/// ``NormalizationKernels``, ``RegularizationKernels`` and ``ConvolutionKernels``.
public protocol KernelBackend: MatrixKernels, ActivationKernels, LossKernels, OptimizerKernels,
                               NormalizationKernels, RegularizationKernels, ConvolutionKernels, Sendable {
    /// A short name for reports ("fast", "reference").
    var name: String { get }
}
