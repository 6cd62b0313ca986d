/// The schedule of a fixed-order ring all-reduce: how N processes sum a buffer of `count`
/// elements while each sends and receives only 2 (N − 1) / N of it, the traffic of the
/// ring all-reduce Horovod and NCCL use, instead of the (N − 1) × of an all-gather.
///
/// The buffer is cut into N slices (``Shares``). In the reduce-scatter's N − 1 steps every
/// process passes one slice to the next process in the ring (rank + 1), which adds its own part
/// to it; after them process r holds the whole sum of slice r + 1. In the all-gather's N − 1
/// steps the finished slices travel around the ring once more, copied, not added. The sum of
/// slice k is therefore always `g_k + g_(k+1) + … + g_(k−1)` (ranks mod N, added left to right),
/// an order fixed by N: two runs with the same process count add the same numbers in the same
/// order, and every process ends with the same bits, the ones the slice's last adder made.
struct RingAllReduce {
    /// One step of one process: send `send` to the next process while receiving `receive` from
    /// the previous one, then add what came into `receive` (reduce-scatter) or copy it there
    /// (all-gather).
    struct Step: Equatable {
        var send: Range<Int>
        var receive: Range<Int>
        var adds: Bool
    }

    /// This process's rank.
    let rank: Int
    /// The number of processes in the ring.
    let processCount: Int
    /// The length of the buffer being summed.
    let count: Int

    /// The process this one sends to.
    var next: Int { (rank + 1) % processCount }
    /// The process this one receives from.
    var previous: Int { (rank + processCount - 1) % processCount }

    /// 2 (N − 1): the reduce-scatter's steps, then the all-gather's.
    var stepCount: Int { 2 * (processCount - 1) }

    /// The elements of slice `index` (taken mod N).
    func slice(_ index: Int) -> Range<Int> {
        let n = processCount
        return Shares.share(of: count, part: ((index % n) + n) % n, parts: n)
    }

    /// Step `index` of this process, 0 ..< ``stepCount``.
    func step(_ index: Int) -> Step {
        precondition((0..<stepCount).contains(index), "RingAllReduce: step \(index) of \(stepCount)")
        if index < processCount - 1 {
            return Step(send: slice(rank - index), receive: slice(rank - index - 1), adds: true)
        }
        let gather = index - (processCount - 1)
        return Step(send: slice(rank + 1 - gather), receive: slice(rank - gather), adds: false)
    }

    /// The elements this process sends over the whole ring: every slice but r + 1 in the
    /// reduce-scatter, every slice but r + 2 in the all-gather.
    var elementsSent: Int {
        processCount == 1 ? 0 : 2 * count - slice(rank + 1).count - slice(rank + 2).count
    }

    /// The elements this process receives over the whole ring: every slice but r in the
    /// reduce-scatter, every slice but r + 1 in the all-gather.
    var elementsReceived: Int {
        processCount == 1 ? 0 : 2 * count - slice(rank).count - slice(rank + 1).count
    }
}

/// Stores one ring step's `received` elements into `values`: `values[i] = received[i] + values[i]`
/// when the step adds (the partial sum of the ranks before, then this rank's part), a copy otherwise.
@_specialize(where Element == Float)
@_specialize(where Element == Double)
func storeRingStep<Element: BinaryFloatingPoint>(_ received: UnsafeBufferPointer<Element>, adding: Bool,
                                                 into values: UnsafeMutableBufferPointer<Element>) {
    precondition(received.count == values.count, "storeRingStep: \(received.count) elements into \(values.count)")
    if adding {
        for i in 0..<values.count { values[i] = received[i] + values[i] }
    } else {
        for i in 0..<values.count { values[i] = received[i] }
    }
}
