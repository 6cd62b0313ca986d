import Foundation

/// The learning curves of a training run as files a person can open: a CSV of the numbers
/// (``csv()``) and an SVG chart in the style of the book's matplotlib figures (``svg()``) —
/// the loss of every iteration on the left, train and test accuracy per epoch on the right.
public struct LearningCurves: Sendable {
    /// The measurements to draw.
    public var history: TrainingHistory
    /// The weight β of an exponential moving average drawn over the loss, in [0, 1): sₜ =
    /// β·sₜ₋₁ + (1 − β)·lossₜ, bias-corrected by 1 − βᵗ so it starts at the first loss; it
    /// spans about 1 / (1 − β) iterations (0.9: ten, 0.99: a hundred). `nil` draws no
    /// smoothed line.
    public var lossSmoothing: Double?

    /// Curves for `history`, with a smoothed loss line when `lossSmoothing` is given.
    public init(history: TrainingHistory, lossSmoothing: Double? = nil) {
        if let lossSmoothing {
            precondition((0..<1).contains(lossSmoothing), "lossSmoothing must be in [0, 1), got \(lossSmoothing)")
        }
        self.history = history
        self.lossSmoothing = lossSmoothing
    }

    /// Writes `curves.csv` and `curves.svg` into `directory` (created if missing), each
    /// atomically, and returns their URLs.
    @discardableResult
    public func write(to directory: URL) throws -> (csv: URL, svg: URL) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csvURL = directory.appendingPathComponent("curves.csv")
        let svgURL = directory.appendingPathComponent("curves.svg")
        try Data(csv().utf8).write(to: csvURL, options: .atomic)
        try Data(svg().utf8).write(to: svgURL, options: .atomic)
        return (csvURL, svgURL)
    }
}
