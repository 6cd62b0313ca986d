/// One chart's plotting area: the mapping from data to SVG coordinates, and the axes, ticks,
/// grid and legend drawn around it. The axes span exactly their ticks' range.
struct ChartFrame {
    var x: Double, y: Double, width: Double, height: Double
    var xTicks: AxisTicks, yTicks: AxisTicks

    /// Where the data point `value` goes; y values outside the axis are clamped to its edge.
    func point(_ value: (Double, Double)) -> SVGPoint {
        let xRange = xTicks.range, yRange = yTicks.range
        let xSpan = max(xRange.upperBound - xRange.lowerBound, .leastNormalMagnitude)
        let ySpan = max(yRange.upperBound - yRange.lowerBound, .leastNormalMagnitude)
        let clampedY = min(max(value.1, yRange.lowerBound), yRange.upperBound)
        return (x + (value.0 - xRange.lowerBound) / xSpan * width,
                y + height - (clampedY - yRange.lowerBound) / ySpan * height)
    }

    func drawAxes(on svg: inout SVGCanvas, title: String, xLabel: String, yLabel: String) {
        svg.rect(x: x, y: y, width: width, height: height)
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let px = point((value, yTicks.range.lowerBound)).x
            svg.line(from: (px, y + height), to: (px, y + height + 5))
            svg.text(label, x: px, y: y + height + 19, size: 11, anchor: "middle", className: "x-tick")
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let py = point((xTicks.range.lowerBound, value)).y
            svg.line(from: (x - 5, py), to: (x, py))
            svg.line(from: (x, py), to: (x + width, py), stroke: "#ddd", width: 0.5)
            svg.text(label, x: x - 8, y: py + 4, size: 11, anchor: "end", className: "y-tick")
        }
        svg.text(title, x: x + width / 2, y: y - 8, size: 13, anchor: "middle", weight: "bold")
        svg.text(xLabel, x: x + width / 2, y: y + height + 38, size: 12, anchor: "middle")
        svg.text(yLabel, x: x - 48, y: y + height / 2, size: 12, anchor: "middle", rotate: -90)
    }

    /// Where a legend sits: the corner the curves leave empty (a falling loss leaves the top
    /// right, a rising accuracy the bottom right).
    enum Corner { case topRight, bottomRight }

    /// Entries (label, colour, dashed, opacity) stacked in `corner` on a white box.
    func drawLegend(on svg: inout SVGCanvas, entries: [(String, String, Bool, Double)], corner: Corner) {
        let boxWidth = 150.0, rowHeight = 18.0
        let boxHeight = Double(entries.count) * rowHeight + 8
        let left = x + width - boxWidth - 8
        let top = corner == .topRight ? y + 8 : y + height - boxHeight - 8
        svg.rect(x: left, y: top, width: boxWidth, height: boxHeight, stroke: "#ccc", fill: "white")
        for (index, entry) in entries.enumerated() {
            let ly = top + 13 + Double(index) * rowHeight
            svg.polyline([(left + 8, ly), (left + 34, ly)], stroke: entry.1, dashed: entry.2, opacity: entry.3)
            svg.text(entry.0, x: left + 40, y: ly + 4, size: 12, anchor: "start")
        }
    }
}
