/// The step that makes data-parallel training the same computation as one process: every
/// process's shard gradient (and loss), weighted by the shard's share of the minibatch, is
/// summed across the processes in one fused buffer per step.
///
/// With m_r samples on process r of a minibatch of B, each process's loss layer averages over
/// its m_r samples, so the minibatch's gradient is Σ_r (m_r / B) · g_r. On one process the
/// weight is 1 and the sum has one term: the result is bitwise that of a plain run.
final class GradientExchange<Backend: KernelBackend> {
    let reducer: any GradientReducer
    /// Every gradient element in slot order, then the loss: one collective call per step. In
    /// double, so the rank-order sum of Float gradients rounds once, when it is stored back.
    private var buffer: [Double] = []

    init(reducer: any GradientReducer) {
        self.reducer = reducer
    }

    /// Replaces each gradient of `parameters` by the weighted sum over the processes and returns
    /// the minibatch's loss, the same sum of the shards' losses.
    func sum(_ parameters: ParameterList<Backend>, loss: Backend.Scalar, shardWeight: Backend.Scalar) -> Backend.Scalar {
        let total = parameters.elementCount + 1
        if buffer.count != total { buffer = Array(repeating: 0, count: total) }
        var offset = 0
        for slot in 0..<parameters.count {
            parameters.gradient(at: slot).withUnsafeBufferPointer { gradient in
                for i in 0..<gradient.count { buffer[offset + i] = Double(gradient[i] * shardWeight) }
                offset += gradient.count
            }
        }
        buffer[offset] = Double(loss * shardWeight)
        reducer.sumInRankOrder(&buffer)
        offset = 0
        for slot in 0..<parameters.count {
            parameters.updateGradient(slot) { gradient in
                gradient.withUnsafeMutableBufferPointer { values in
                    for i in 0..<values.count { values[i] = Backend.Scalar(buffer[offset + i]) }
                    offset += values.count
                }
            }
        }
        return Backend.Scalar(buffer[offset])
    }

    /// The share of `rows` rows that this process evaluates, and the sum over the processes
    /// of `count(share)`: how an accuracy is split. Counts below 2⁵³ add exactly.
    func sumOverShares(of rows: Int, _ count: (Range<Int>) -> Int) -> Int {
        var total = [Double(count(Self.shard(of: rows, rank: reducer.rank, processCount: reducer.processCount)))]
        reducer.sumInRankOrder(&total)
        return Int(total[0])
    }

    /// Makes every process's parameters rank 0's (the seed of rank 0 decides the start).
    func broadcastParameters(_ parameters: ParameterList<Backend>) {
        var values: [Double] = []
        values.reserveCapacity(parameters.elementCount)
        for slot in 0..<parameters.count { values += parameters.value(at: slot).scalars.map(Double.init) }
        reducer.broadcast(&values, from: 0)
        var offset = 0
        for slot in 0..<parameters.count {
            parameters.update(slot) { value, _ in
                value.withUnsafeMutableBufferPointer { target in
                    for i in 0..<target.count { target[i] = Backend.Scalar(values[offset + i]) }
                    offset += target.count
                }
            }
        }
    }

    /// The rows of a minibatch of `batchSize` that process `rank` of `processCount` takes: contiguous
    /// shards, the first `batchSize % processCount` one row longer.
    static func shard(of batchSize: Int, rank: Int, processCount: Int) -> Range<Int> {
        let base = batchSize / processCount, extra = batchSize % processCount
        let start = rank * base + min(rank, extra)
        return start..<(start + base + (rank < extra ? 1 : 0))
    }
}
