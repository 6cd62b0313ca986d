import Foundation

/// The live "iteration i/n  loss  it/s" line on stderr, redrawn in place. Only drawn when
/// stderr is a terminal, so logs and pipes get the clean per-epoch lines alone.
struct ProgressLine {
    let total: Int
    private let enabled = isatty(STDERR_FILENO) != 0
    private var shown = false
    private var lastDraw = ContinuousClock.now

    init(total: Int) {
        self.total = total
    }

    /// Redraws at most ten times a second.
    mutating func update(iteration: Int, loss: Double, since start: ContinuousClock.Instant) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(100) || iteration == total else { return }
        lastDraw = now
        let rate = Double(iteration) / max((now - start).seconds, 1e-9)
        writeToStandardError(String(format: "\r\u{1B}[Kiteration %d/%d  loss %.4f  %.0f it/s", iteration, total, loss, rate))
        shown = true
    }

    /// Erases the line so the next regular output starts clean.
    mutating func clear() {
        guard shown else { return }
        writeToStandardError("\r\u{1B}[K")
        shown = false
    }
}
