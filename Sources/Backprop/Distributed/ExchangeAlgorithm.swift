/// How `MPIReducer` sums a buffer across processes; both orders of addition are fixed for a
/// given process count and buffer length, so either keeps runs bitwise reproducible.
public enum ExchangeAlgorithm: String, CaseIterable, Sendable {
    /// A ring reduce-scatter and all-gather (``RingAllReduce``): 2 (N − 1) / N of the buffer in
    /// and out of each process, in 2 (N − 1) point-to-point steps.
    case ring
    /// An all-gather, then a local sum in rank order: (N − 1) × the buffer in and out of each
    /// process, in one collective call.
    case allGather = "allgather"

    /// The algorithm for a buffer of `bytes` summed by `processCount` processes: the ring,
    /// except for buffers too small for its 2 (N − 1) steps' latency to pay off, which go to
    /// the all-gather's one call.
    public static func rule(bytes: Int, processCount: Int) -> ExchangeAlgorithm {
        bytes < smallMessageBytes ? .allGather : .ring
    }

    /// Below this many bytes a sum is latency, not bandwidth: PLACEHOLDER
    static let smallMessageBytes = 16 * 1024
}
