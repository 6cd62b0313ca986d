/// The kernels of chapter 6's regularization: dropout masks and their application, and the
/// two halves of weight decay (λ·W added to a gradient, ΣW² for the loss).
///
/// Requirements work on raw buffers, exactly like `ckernels.h`; the `Tensor`-level methods in
/// the extension of the same name check shapes and call these. One of the narrow protocols
/// that make up ``KernelBackend``.
public protocol RegularizationKernels {
    /// The element type the backend computes with.
    associatedtype Scalar: BinaryFloatingPoint & Sendable

    /// The dropout mask of an m x n batch (one byte per element, row-major): 1 where the
    /// element is kept. Element (i, j) is a pure function of `key` and the global element
    /// index (key.firstRow + i) · n + j (see ``DropoutMaskKey``), so both backends, every
    /// thread count and every shard of a batch draw the same mask.
    func dropoutMask(m: Int, n: Int, ratio: Scalar, key: DropoutMaskKey, mask: UnsafeMutableBufferPointer<UInt8>)

    /// y = x · scale where mask != 0, else +0: dropout's forward pass, and with dy for x its
    /// backward pass.
    func dropoutApply(x: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<UInt8>, scale: Scalar,
                      y: UnsafeMutableBufferPointer<Scalar>)

    /// y = alpha · x (the book's dropout at inference: x · (1 - ratio)).
    func scale(alpha: Scalar, x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>)

    /// y += alpha · x (weight decay: dW += λ · W).
    func addScaled(alpha: Scalar, x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>)

    /// Σ x², accumulated in Double in the fixed order of `ck_sum_of_squares` (blocks of 16384
    /// elements over 8 lanes, the blocks added in ascending order), whatever the thread count.
    func sumOfSquares(_ x: UnsafeBufferPointer<Scalar>) -> Double
}

/// What a dropout mask is drawn from: the mask of a batch is a pure function of these four
/// numbers and the element index, so it can be redrawn exactly (to resume, to check, on
/// another process holding other rows of the same batch).
///
/// The generator (SplitMix64 keyed by seed, iteration and layer in turn) is spelled out in
/// `CKernels/dropout.c` and in ``ReferenceBackend``'s conformance to ``RegularizationKernels``.
public struct DropoutMaskKey: Hashable, Sendable {
    /// The run's seed.
    public var seed: UInt64
    /// The training step: consecutive steps draw independent masks.
    public var iteration: UInt64
    /// Which dropout layer: two layers of one step draw independent masks.
    public var layer: UInt64
    /// The global row of the batch's first row (non-negative): a process holding rows
    /// 50 ..< 100 of a batch passes 50 and draws exactly those rows of the whole batch's mask.
    public var firstRow: Int

    /// A key for the given seed, iteration, layer and first row.
    public init(seed: UInt64, iteration: UInt64, layer: UInt64, firstRow: Int = 0) {
        precondition(firstRow >= 0, "DropoutMaskKey: firstRow must be non-negative, got \(firstRow)")
        self.seed = seed
        self.iteration = iteration
        self.layer = layer
        self.firstRow = firstRow
    }
}
