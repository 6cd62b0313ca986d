import Foundation

/// The learning curves of a training run as files a person can open: a CSV of the numbers
/// and an SVG chart in the style of the book's matplotlib figures — the loss of every
/// iteration on the left, train and test accuracy per epoch on the right.
public struct LearningCurves: Sendable {
    /// The measurements to draw.
    public var history: TrainingHistory

    /// Curves for `history`.
    public init(history: TrainingHistory) {
        self.history = history
    }

    /// One row per iteration: `iteration,loss,epoch,train_accuracy,test_accuracy`; the last
    /// three columns are filled on the iterations that ended an epoch and empty otherwise.
    /// Iterations count from 1.
    public func csv() -> String {
        var byIteration: [Int: TrainingHistory.EpochRecord] = [:]
        for record in history.epochs { byIteration[record.iteration] = record }
        var lines = ["iteration,loss,epoch,train_accuracy,test_accuracy"]
        lines.reserveCapacity(history.losses.count + 1)
        for (index, loss) in history.losses.enumerated() {
            let iteration = index + 1
            var line = "\(iteration),\(loss)"
            if let record = byIteration[iteration] {
                line += ",\(record.epoch),\(record.trainAccuracy),\(record.testAccuracy.map { "\($0)" } ?? "")"
            } else {
                line += ",,,"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained SVG document with both charts, axes, ticks, labels and a legend.
    public func svg() -> String {
        let width = 960.0, height = 400.0
        var svg = SVGCanvas(width: width, height: height)
        svg.text("Backprop learning curves", x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")

        let losses = Self.downsampled(history.losses.enumerated().map { (Double($0.offset + 1), $0.element) },
                                      maximumCount: 2000)
        let finiteLosses = losses.map(\.1).filter(\.isFinite)
        let lossChart = ChartFrame(x: 70, y: 50, width: 380, height: 290,
                                   xRange: 0...Double(max(history.losses.count, 1)),
                                   yRange: 0...Self.niceCeiling(finiteLosses.max() ?? 1))
        lossChart.drawAxes(on: &svg, title: "loss", xLabel: "iteration", yLabel: "loss")
        svg.polyline(losses.filter { $0.1.isFinite }.map(lossChart.point), color: "#1f77b4", dashed: false)

        let epochs = history.epochs
        let accuracies = epochs.flatMap { [$0.trainAccuracy] + ($0.testAccuracy.map { [$0] } ?? []) }
        let lowest = min(accuracies.min() ?? 0, 0.9)
        let accuracyChart = ChartFrame(x: 550, y: 50, width: 380, height: 290,
                                       xRange: 0...Double(max(epochs.last?.epoch ?? 1, 1)),
                                       yRange: (lowest * 10).rounded(.down) / 10...1)
        accuracyChart.drawAxes(on: &svg, title: "accuracy", xLabel: "epoch", yLabel: "accuracy")
        svg.polyline(epochs.map { accuracyChart.point((Double($0.epoch), $0.trainAccuracy)) },
                     color: "#1f77b4", dashed: false)
        let tested = epochs.compactMap { record in record.testAccuracy.map { (Double(record.epoch), $0) } }
        svg.polyline(tested.map(accuracyChart.point), color: "#ff7f0e", dashed: true)
        accuracyChart.drawLegend(on: &svg, entries: [("train", "#1f77b4", false), ("test", "#ff7f0e", true)])
        return svg.document()
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

    /// At most `maximumCount` points, keeping every k-th so a 10,000-iteration curve stays a
    /// small file; the last point is always kept.
    static func downsampled(_ points: [(Double, Double)], maximumCount: Int) -> [(Double, Double)] {
        guard points.count > maximumCount, let last = points.last else { return points }
        let stride = (points.count + maximumCount - 1) / maximumCount
        var kept = Swift.stride(from: 0, to: points.count, by: stride).map { points[$0] }
        if kept.last?.0 != last.0 { kept.append(last) }
        return kept
    }

    /// The smallest of 1, 2, 2.5, 5 times a power of ten that is >= `value` (axis tops).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= value {
            return step * magnitude
        }
        return 10 * magnitude
    }
}

/// One chart's plotting area and the mapping from data to SVG coordinates.
private struct ChartFrame {
    var x: Double, y: Double, width: Double, height: Double
    var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>

    func point(_ value: (Double, Double)) -> (Double, Double) {
        let xSpan = max(xRange.upperBound - xRange.lowerBound, .leastNormalMagnitude)
        let ySpan = max(yRange.upperBound - yRange.lowerBound, .leastNormalMagnitude)
        let clampedY = min(max(value.1, yRange.lowerBound), yRange.upperBound)
        return (x + (value.0 - xRange.lowerBound) / xSpan * width,
                y + height - (clampedY - yRange.lowerBound) / ySpan * height)
    }

    func drawAxes(on svg: inout SVGCanvas, title: String, xLabel: String, yLabel: String) {
        svg.rect(x: x, y: y, width: width, height: height)
        for i in 0...5 {
            let fraction = Double(i) / 5
            let xValue = xRange.lowerBound + fraction * (xRange.upperBound - xRange.lowerBound)
            let yValue = yRange.lowerBound + fraction * (yRange.upperBound - yRange.lowerBound)
            let px = x + fraction * width, py = y + height - fraction * height
            svg.line(from: (px, y + height), to: (px, y + height + 5))
            svg.text(Self.label(xValue), x: px, y: y + height + 19, size: 11, anchor: "middle")
            svg.line(from: (x - 5, py), to: (x, py))
            svg.gridLine(from: (x, py), to: (x + width, py))
            svg.text(Self.label(yValue), x: x - 8, y: py + 4, size: 11, anchor: "end")
        }
        svg.text(title, x: x + width / 2, y: y - 8, size: 13, anchor: "middle", weight: "bold")
        svg.text(xLabel, x: x + width / 2, y: y + height + 38, size: 12, anchor: "middle")
        svg.text(yLabel, x: x - 48, y: y + height / 2, size: 12, anchor: "middle", rotate: -90)
    }

    func drawLegend(on svg: inout SVGCanvas, entries: [(String, String, Bool)]) {
        for (index, entry) in entries.enumerated() {
            let ly = y + height - 20 - Double(entries.count - 1 - index) * 18
            let lx = x + width - 90
            svg.polyline([(lx, ly), (lx + 26, ly)], color: entry.1, dashed: entry.2)
            svg.text(entry.0, x: lx + 32, y: ly + 4, size: 12, anchor: "start")
        }
    }

    /// Tick labels without float noise: integers as integers, fractions to two decimals.
    static func label(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }
}

/// The few SVG elements the charts need, written as text.
private struct SVGCanvas {
    let width: Double, height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double) {
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"none\" stroke=\"#333\"/>")
    }

    mutating func line(from a: (Double, Double), to b: (Double, Double)) {
        elements.append("<line x1=\"\(Self.number(a.0))\" y1=\"\(Self.number(a.1))\" x2=\"\(Self.number(b.0))\" "
            + "y2=\"\(Self.number(b.1))\" stroke=\"#333\"/>")
    }

    mutating func gridLine(from a: (Double, Double), to b: (Double, Double)) {
        elements.append("<line x1=\"\(Self.number(a.0))\" y1=\"\(Self.number(a.1))\" x2=\"\(Self.number(b.0))\" "
            + "y2=\"\(Self.number(b.1))\" stroke=\"#ddd\" stroke-width=\"0.5\"/>")
    }

    mutating func polyline(_ points: [(Double, Double)], color: String, dashed: Bool) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\""
            + (dashed ? " stroke-dasharray=\"6,4\"" : "") + "/>")
    }

    mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String,
                       weight: String = "normal", rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(Self.number($0)) \(Self.number(x)) \(Self.number(y)))\"" } ?? ""
        elements.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-family=\"sans-serif\" "
            + "font-size=\"\(Self.number(size))\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\"\(transform)>"
            + Self.escaped(content) + "</text>")
    }

    func document() -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))">
        <rect width="100%" height="100%" fill="white"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }
}
