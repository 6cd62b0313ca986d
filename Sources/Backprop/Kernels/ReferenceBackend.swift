import RealModule

/// Every kernel as plain Swift loops, the way the book writes them in numpy: the definition
/// the fast C core is tested against, and the backend to read when learning.
///
/// Generic over the scalar type, so networks can run in `Double` for gradient checks.
/// Behaviour matches `ckernels.h` (NaN propagates, beta == 0 overwrites, softmax subtracts
/// the row maximum, cross-entropy goes through log-softmax); only rounding differs.
public struct ReferenceBackend<Scalar: BinaryFloatingPoint & Real & Sendable>: KernelBackend {
    public init() {}

    public var name: String { "reference" }
}
