extension SeededGenerator {
    /// A random permutation of `0..<count` drawn from this generator: Backprop's one seeded
    /// shuffle, so every seeded split (test, validation) draws the same way.
    ///
    /// Fisher–Yates written out, swapping position i (from the last down) with one of
    /// 0...i chosen as `next() % (i + 1)`: the standard library does not promise that
    /// `shuffle(using:)` draws the same way in every release, and a split must not change with
    /// the compiler. (The modulo's bias, below 2⁻⁴⁰ for any array that fits in memory, does
    /// not matter for splitting data.)
    public mutating func permutation(of count: Int) -> [Int] {
        precondition(count >= 0, "SeededGenerator.permutation: negative count \(count)")
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(next() % UInt64(i + 1)))
        }
        return order
    }
}
