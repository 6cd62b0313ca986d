/// What data-parallel training needs from the processes it runs on: each holds the whole
/// network, computes gradients on its shard of every minibatch, and the reducer sums them.
///
/// A reducer's sums are deterministic: every process receives the same bits, added in an order
/// fixed by the process count and the buffer's length, so two runs with the same seed and
/// process count give bitwise the same weights.
/// ``SingleProcess`` is the reducer of an ordinary run; the `MPI` package trait adds
/// `MPIReducer`, over Open MPI.
public protocol GradientReducer: AnyObject {
    /// This process's index, 0 ..< ``processCount``. Rank 0 prints and writes files.
    var rank: Int { get }

    /// The number of processes taking part.
    var processCount: Int { get }

    /// Replaces `values` on every process by the elementwise sum over the processes' `values`
    /// (all of the same length), added in an order that depends only on the process count and
    /// the length, and returns the bytes this process sent and received for it.
    @discardableResult
    func sumAcrossProcesses(_ values: inout [Double]) -> ExchangeTraffic

    /// As the `Double` form of `sumAcrossProcesses` in single precision: the gradients of a
    /// Float network, half the bytes on the wire.
    @discardableResult
    func sumAcrossProcesses(_ values: inout [Float]) -> ExchangeTraffic

    /// Replaces `values` on every process by rank `root`'s.
    func broadcast(_ values: inout [Double], from root: Int)

    /// Every process's `bytes` (the same length everywhere), in rank order: how processes
    /// compare the hashes of their options and data, and hear of each other's failures.
    func gather(_ bytes: [UInt8]) -> [[UInt8]]
}

/// The reducer of a run in one process: sums of one term are the term itself.
public final class SingleProcess: GradientReducer {
    /// A reducer for one process.
    public init() {}

    /// Always 0.
    public var rank: Int { 0 }
    /// Always 1.
    public var processCount: Int { 1 }
    /// Leaves `values` as they are; nothing moves.
    public func sumAcrossProcesses(_ values: inout [Double]) -> ExchangeTraffic { ExchangeTraffic() }
    /// Leaves `values` as they are; nothing moves.
    public func sumAcrossProcesses(_ values: inout [Float]) -> ExchangeTraffic { ExchangeTraffic() }
    /// Leaves `values` as they are.
    public func broadcast(_ values: inout [Double], from root: Int) {}
    /// `[bytes]`.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
}

