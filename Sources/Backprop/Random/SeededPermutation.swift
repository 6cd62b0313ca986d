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
        shuffle(&order)
        return order
    }

    /// Shuffles `elements` in place with the draws of ``permutation(of:)``: the trainer's
    /// epoch order reuses its buffer each epoch and so allocates nothing.
    public mutating func shuffle<Elements: MutableCollection & RandomAccessCollection>(_ elements: inout Elements)
        where Elements.Index == Int {
        guard elements.count > 1 else { return }
        let first = elements.startIndex
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(first + i, first + Int(next() % UInt64(i + 1)))
        }
    }
}
