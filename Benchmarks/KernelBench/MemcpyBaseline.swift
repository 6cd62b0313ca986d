#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a plain `memcpy` achieves for a given traffic: the ceiling a memory-bound kernel
/// is compared with.
///
/// A copy of b/2 bytes reads b/2 and writes b/2, so it moves the same b bytes a kernel is
/// credited with and its GB/s is directly comparable. One call is one thread, whatever the
/// kernel's thread count. Results are cached per byte count: kernels with equal traffic
/// share one measurement.
final class MemcpyBaseline {
    private let source: AlignedBuffer<UInt8>
    private let destination: AlignedBuffer<UInt8>
    private var ratesByBytes: [Int: Double] = [:]

    /// A baseline able to copy traffic of up to `maximumBytes`.
    init(maximumBytes: Int) {
        source = AlignedBuffer(count: maximumBytes / 2 + 1, zero: 1)
        destination = AlignedBuffer(count: maximumBytes / 2 + 1, zero: 0)
    }

    /// GB/s (read + written) of a copy whose traffic is `bytes`.
    func rate(bytes: Double, plan: MeasurementPlan) -> Double {
        let copied = Int(bytes) / 2
        if let known = ratesByBytes[copied] { return known }
        precondition(copied < source.count, "memcpy baseline: \(copied) bytes exceed the buffers (\(source.count))")
        let timing = measure(plan) {
            memcpy(destination.buffer.baseAddress!, source.buffer.baseAddress!, copied)
            return Float(destination.buffer[copied - 1])
        }
        let rate = Double(copied * 2) / timing.secondsPerCall / 1e9
        ratesByBytes[copied] = rate
        return rate
    }
}
