import Backprop
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
        var generator = SeededGenerator(seed: seed)
        let width = range.upperBound - range.lowerBound
        for i in 0..<count {
            buffer[i] = range.lowerBound + width * Float(generator.next() >> 40) * 0x1p-24
        }
    }
}
