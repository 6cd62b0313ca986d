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

    /// Time spent in the reducer's sums of gradients so far (filling the fused buffer, the
    /// exchange and its additions, storing back): what data parallelism costs on top of the
    /// arithmetic.
    private(set) var reductionTime: Duration = .zero
    private(set) var reductions = 0
    /// The bytes this process moved in those sums.
    private(set) var traffic = ExchangeTraffic()

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
            traffic = traffic + reducer.sumAcrossProcesses(&floatBuffer)
            return drain(floatBuffer, into: parameters)
        }
        fill(&doubleBuffer, from: parameters, loss: loss, shardWeight: shardWeight)
        traffic = traffic + reducer.sumAcrossProcesses(&doubleBuffer)
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
        var total = [Double(count(share(of: rows)))]
        reducer.sumAcrossProcesses(&total)
        return Int(total[0])
    }

    /// This process's contiguous share of `count` rows (``Shares``).
    func share(of count: Int) -> Range<Int> {
        Shares.share(of: count, part: reducer.rank, parts: reducer.processCount)
    }

    /// The step figures of every process, combined: the mean time per step and the mean bytes
    /// sent and received per step, each the largest over the processes (the slowest process
    /// sets the pace, the busiest link the bandwidth needed). A collective call: every
    /// process must make it. Nil before the first step.
    func stepStatistics() -> ExchangeStatistics? {
        guard reductions > 0 else { return nil }
        let steps = Double(reductions)
        let mine = [reductionTime.seconds, Double(traffic.bytesSent) / steps, Double(traffic.bytesReceived) / steps]
        let encoded = mine.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
        let everyone = reducer.gather(encoded).map { bytes in
            (0..<mine.count).map { field in
                Double(bitPattern: (0..<8).reduce(0) { $0 | UInt64(bytes[field * 8 + $1]) << (8 * $1) })
            }
        }
        func largest(_ field: Int) -> Double { everyone.map { $0[field] }.max() ?? 0 }
        return ExchangeStatistics(gradientBytes: gradientBytes, bytesSentPerStep: largest(1),
                                  bytesReceivedPerStep: largest(2), secondsPerStep: largest(0) / steps)
    }

    /// The bytes of one process's whole gradient as exchanged (Float gradients of a Float
    /// network, Double otherwise), without the loss that rides along.
    private var gradientBytes: Int {
        let elements = max(floatBuffer.count, doubleBuffer.count) - 1
        return elements * (floatBuffer.isEmpty ? MemoryLayout<Double>.stride : MemoryLayout<Float>.stride)
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
