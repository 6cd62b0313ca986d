/// How data-parallel training cuts work between processes: a minibatch's rows, an
/// evaluation set's rows, a ring all-reduce's buffer.
enum Shares {
    /// Part `part` of `count` items cut into `parts` contiguous parts in order, the first
    /// `count % parts` one item longer (so parts differ by at most one item).
    static func share(of count: Int, part: Int, parts: Int) -> Range<Int> {
        precondition(parts > 0 && (0..<parts).contains(part), "Shares: part \(part) of \(parts)")
        let base = count / parts, extra = count % parts
        let start = part * base + min(part, extra)
        return start..<(start + base + (part < extra ? 1 : 0))
    }
}
