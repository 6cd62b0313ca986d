/// How `MPIReducer` sums a buffer across processes; both orders of addition are fixed for a
/// given process count and buffer length, so either keeps runs bitwise reproducible.
///
/// The ring serves every sum. Measured on loopback (Benchmarks/README.md, 2 to 4 processes,
/// gradients of 3 KB to 11 MB), no buffer size and no process count had the all-gather
/// faster in a way that held from one run to the next, so there is no size or count below
/// which it is chosen; at N = 2 both move the same bytes and the ring adds half as many. The
/// all-gather stays as the baseline the ring is measured against (`BACKPROP_MPI_EXCHANGE`).
public enum ExchangeAlgorithm: String, CaseIterable, Sendable {
    /// A ring reduce-scatter and all-gather: 2 (N − 1) / N of the buffer in and out of each
    /// process, in 2 (N − 1) point-to-point steps.
    case ring
    /// An all-gather, then a local sum in rank order: (N − 1) × the buffer in and out of each
    /// process, in one collective call.
    case allGather = "allgather"
}
