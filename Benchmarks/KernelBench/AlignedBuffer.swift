/// A zero-filled buffer aligned to a cache line, owned by a class so it is freed once.
///
/// Benchmarks allocate their operands once and write into them many times; cache-line
/// alignment makes the figures independent of where `malloc` happened to place an array,
/// and zero-filling touches every page before any timing starts.
final class AlignedBuffer<Element: BitwiseCopyable> {
    /// The elements.
    let buffer: UnsafeMutableBufferPointer<Element>

    /// `count` zero-initialized elements starting on a 64-byte boundary.
    init(count: Int, zero: Element) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Element>.stride,
                                                   alignment: 64)
        let typed = raw.bindMemory(to: Element.self, capacity: max(count, 1))
        buffer = UnsafeMutableBufferPointer(start: typed, count: count)
        buffer.initialize(repeating: zero)
    }

    deinit {
        UnsafeMutableRawPointer(buffer.baseAddress!).deallocate()
    }

    /// The elements, read-only, as the kernels take their inputs.
    var readOnly: UnsafeBufferPointer<Element> { UnsafeBufferPointer(buffer) }

    var count: Int { buffer.count }
}

extension AlignedBuffer where Element == Float {
    /// `count` zeros.
    convenience init(count: Int) {
        self.init(count: count, zero: 0)
    }

    /// `count` reproducible pseudo-random values, uniform in `range`.
    convenience init(count: Int, uniformIn range: ClosedRange<Float>, seed: UInt64) {
        self.init(count: count, zero: 0)
        var generator = SplitMix64(seed: seed)
        let width = range.upperBound - range.lowerBound
        for i in 0..<count {
            buffer[i] = range.lowerBound + width * generator.nextUnitFloat()
        }
    }
}

/// SplitMix64: a tiny, fast, reproducible generator. The system generator is too slow to
/// fill hundreds of megabytes of operands, and reproducible data makes runs comparable.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Float in [0, 1) with 24 random bits.
    mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }
}
