extension LearningCurves {
    static let blue = "#1f77b4", orange = "#ff7f0e", green = "#2ca02c"
    /// More points than this are thinned (see ``downsampled(_:maximumCount:)``).
    static let maximumPointsPerLine = 2000

    /// A self-contained SVG document with both charts, axes with round ticks, labels and
    /// legends; with ``lossSmoothing`` the raw loss is drawn faint and the smoothed loss over it.
    /// A history with a validation set adds its loss (at each evaluation's iteration) and its
    /// accuracy, in green.
    public func svg() -> String {
        let width = 960.0, height = 400.0
        var svg = SVGCanvas(width: width, height: height)
        svg.text("Backprop learning curves", x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")
        drawLoss(on: &svg)
        drawAccuracy(on: &svg)
        return svg.document()
    }

    private func drawLoss(on svg: inout SVGCanvas) {
        let losses = history.losses.enumerated().map { (Double($0.offset + 1), $0.element) }
        let validation = history.epochs.compactMap { record in
            record.validationLoss.map { (Double(record.iteration), $0) }
        }.filter(\.1.isFinite)
        let highest = (losses + validation).map(\.1).filter(\.isFinite).max() ?? 1
        let chart = ChartFrame(x: 70, y: 50, width: 380, height: 290,
                               xTicks: AxisTicks(covering: 0...Double(max(history.losses.count, 1)), integers: true),
                               yTicks: AxisTicks(covering: 0...max(highest, 0)))
        chart.drawAxes(on: &svg, title: "loss", xLabel: "iteration", yLabel: "loss")
        let raw = Self.downsampled(losses.filter { $0.1.isFinite }, maximumCount: Self.maximumPointsPerLine)
        var legend: [(String, String, Bool, Double)] = []
        if let lossSmoothing {
            svg.polyline(raw.map(chart.point), stroke: Self.blue, width: 1, opacity: 0.3)
            let smoothed = zip(losses, ExponentialMovingAverage.smoothed(history.losses, weight: lossSmoothing))
                .compactMap { point, average in average.map { (point.0, $0) } }
            svg.polyline(Self.downsampled(smoothed, maximumCount: Self.maximumPointsPerLine).map(chart.point),
                         stroke: Self.blue, width: 2)
            legend = [("loss", Self.blue, false, 0.3),
                      ("smoothed (β = \(BookNumberFormat.string(lossSmoothing)))", Self.blue, false, 1)]
        } else {
            svg.polyline(raw.map(chart.point), stroke: Self.blue)
            if !validation.isEmpty { legend = [("loss", Self.blue, false, 1)] }
        }
        if !validation.isEmpty {
            svg.polyline(validation.map(chart.point), stroke: Self.green, width: 2, dashed: true)
            legend.append(("validation", Self.green, true, 1))
        }
        if !legend.isEmpty {
            chart.drawLegend(on: &svg, entries: legend, corner: .topRight)
        }
    }

    /// The accuracies per epoch, or a regression's R² (its early, very negative values cut at -1).
    private func drawAccuracy(on svg: inout SVGCanvas) {
        let epochs = history.epochs
        let regression = history.scoreName == "r2"
        let shown: (Double) -> Double? = { $0.isFinite ? (regression ? max($0, -1) : $0) : nil }
        let trained = epochs.compactMap { record in shown(record.scores.train).map { (Double(record.epoch), $0) } }
        let tested = epochs.compactMap { record in record.scores.test.flatMap(shown).map { (Double(record.epoch), $0) } }
        let validated = epochs.compactMap { record in record.scores.validation.flatMap(shown).map { (Double(record.epoch), $0) } }
        let lowest = (trained + tested + validated).map(\.1).min() ?? 0
        let title = regression ? "R²" : "accuracy"
        let chart = ChartFrame(x: 550, y: 50, width: 380, height: 290,
                               xTicks: AxisTicks(covering: 0...Double(max(epochs.last?.epoch ?? 1, 1)), integers: true),
                               yTicks: AxisTicks(covering: min(lowest, 0.9)...1))
        chart.drawAxes(on: &svg, title: title, xLabel: "epoch", yLabel: title)
        svg.polyline(trained.map(chart.point), stroke: Self.blue)
        svg.polyline(tested.map(chart.point), stroke: Self.orange, dashed: true)
        svg.polyline(validated.map(chart.point), stroke: Self.green, width: 2, dashed: true)
        chart.drawLegend(on: &svg, entries: [("train", Self.blue, false, 1), ("test", Self.orange, true, 1)]
                            + (validated.isEmpty ? [] : [("validation", Self.green, true, 1)]),
                          corner: .bottomRight)
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
}
