/// The step that makes data-parallel training the same computation as one process: every
/// process's shard gradient (and loss), weighted by the shard's share of the minibatch, is
/// summed across the processes in one fused buffer per step.
///
/// With m_r samples on process r of a minibatch of B, each process's loss layer averages over
/// its m_r samples, so the minibatch's gradient is Σ_r (m_r / B) · g_r. On one process the
/// weight is 1 and the sum has one term: the result is bitwise that of a plain run.
final class GradientExchange<Backend: KernelBackend> {
    let reducer: any GradientReducer
    /// Every gradient element in slot order, then the loss: one collective call per step.
    private var floatBuffer: [Float] = []
    private var doubleBuffer: [Double] = []

    /// Time spent in the reducer's sums of gradients so far (the collective call and the
    /// rank-order addition): what data parallelism costs on top of the arithmetic.
    private(set) var reductionTime: Duration = .zero
    private(set) var reductions = 0

    init(reducer: any GradientReducer) {
        self.reducer = reducer
    }

    /// Replaces each gradient of `parameters` by the weighted sum over the processes and returns
    /// the minibatch's loss, the same sum of the shards' losses.
    func sum(_ parameters: ParameterList<Backend>, loss: Backend.Scalar, shardWeight: Backend.Scalar) -> Backend.Scalar {
        let start = ContinuousClock.now
        defer {
            reductionTime += ContinuousClock.now - start
            reductions += 1
        }
        // Float networks exchange Float gradients (half the bytes); others exchange Double.
        if Backend.Scalar.self == Float.self {
            fill(&floatBuffer, from: parameters, loss: loss, shardWeight: shardWeight)
            reducer.sumInRankOrder(&floatBuffer)
            return drain(floatBuffer, into: parameters)
        }
        fill(&doubleBuffer, from: parameters, loss: loss, shardWeight: shardWeight)
        reducer.sumInRankOrder(&doubleBuffer)
        return drain(doubleBuffer, into: parameters)
    }

    /// Writes every gradient times `shardWeight`, then the weighted loss, into `buffer`.
    private func fill<Element: BinaryFloatingPoint>(_ buffer: inout [Element], from parameters: ParameterList<Backend>,
                                                    loss: Backend.Scalar, shardWeight: Backend.Scalar) {
        let total = parameters.elementCount + 1
        if buffer.count != total { buffer = Array(repeating: 0, count: total) }
        buffer.withUnsafeMutableBufferPointer { fused in
            var offset = 0
            for slot in 0..<parameters.count {
                parameters.gradient(at: slot).withUnsafeBufferPointer { gradient in
                    scaledCopy(gradient, scale: shardWeight,
                               into: UnsafeMutableBufferPointer(rebasing: fused[offset ..< offset + gradient.count]))
                    offset += gradient.count
                }
            }
            fused[offset] = Element(loss * shardWeight)
        }
    }

    /// Stores the summed gradients back into the layers and returns the summed loss.
    private func drain<Element: BinaryFloatingPoint>(_ buffer: [Element], into parameters: ParameterList<Backend>)
        -> Backend.Scalar {
        buffer.withUnsafeBufferPointer { fused in
            var offset = 0
            for slot in 0..<parameters.count {
                parameters.updateGradient(slot) { gradient in
                    gradient.withUnsafeMutableBufferPointer { values in
                        convertingCopy(UnsafeBufferPointer(rebasing: fused[offset ..< offset + values.count]), into: values)
                        offset += values.count
                    }
                }
            }
            return Backend.Scalar(fused[fused.count - 1])
        }
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

// The per-element loops of a step, outside the generic class so that they are specialized: a
// trainer built in a client module runs the library's generic code unspecialized, where every
// conversion would go through a witness table (some 40,000 of them per step for the book's net).

/// destination[i] = source[i] * scale, converted.
@_specialize(where Scalar == Float, Element == Float)
@_specialize(where Scalar == Double, Element == Double)
func scaledCopy<Scalar: BinaryFloatingPoint, Element: BinaryFloatingPoint>(
    _ source: UnsafeBufferPointer<Scalar>, scale: Scalar, into destination: UnsafeMutableBufferPointer<Element>
) {
    for i in 0..<source.count { destination[i] = Element(source[i] * scale) }
}

/// destination[i] = source[i], converted.
@_specialize(where Scalar == Float, Element == Float)
@_specialize(where Scalar == Double, Element == Double)
func convertingCopy<Element: BinaryFloatingPoint, Scalar: BinaryFloatingPoint>(
    _ source: UnsafeBufferPointer<Element>, into destination: UnsafeMutableBufferPointer<Scalar>
) {
    for i in 0..<source.count { destination[i] = Scalar(source[i]) }
}
