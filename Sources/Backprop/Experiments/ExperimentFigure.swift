/// What the experiments' figures share: the colours of matplotlib's default cycle (the book's
/// figures are matplotlib's), and a chart panel of lines with its axes, ticks and legend.
///
/// Every panel is a `<g class="panel">` and every data line a `<g class="line NAME">` inside
/// it, so a reader of the file (or a test) can find each line and map its points back to
/// data through the panel's tick labels.
enum ExperimentFigure {
    /// matplotlib's `tab10` cycle: blue, orange, green, red, purple, brown.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    /// One line of a panel: its name (the JSON setting, used as the group's class), its
    /// legend label, its points in data coordinates and its look.
    struct Line {
        var name: String
        var label: String
        var points: [(Double, Double)]
        var color: String
        var dashed = false
        /// Whether each point is also marked with a dot (the book's `'o-'`).
        var markers = false
    }

    /// A panel: axes with `frame`'s ticks, what `background` draws (under the lines), the
    /// lines, and a legend in `legendCorner` (none if nil).
    static func drawPanel(on svg: inout SVGCanvas, frame: ChartFrame, title: String, xLabel: String,
                          yLabel: String, lines: [Line], legendCorner: ChartFrame.Corner?,
                          background: (inout SVGCanvas) -> Void = { _ in }) {
        svg.group("panel") { svg in
            frame.drawAxes(on: &svg, title: title, xLabel: xLabel, yLabel: yLabel)
            background(&svg)
            for line in lines {
                svg.group("line \(line.name)") { svg in
                    let points = line.points.map(frame.point)
                    svg.polyline(points, stroke: line.color, dashed: line.dashed)
                    if line.markers {
                        for point in points { svg.circle(center: point, radius: 2.5, stroke: line.color, fill: line.color) }
                    }
                }
            }
            if let legendCorner {
                svg.group("legend") { svg in
                    frame.drawLegend(on: &svg, entries: lines.map { ($0.label, $0.color, $0.dashed, 1) },
                                     corner: legendCorner)
                }
            }
        }
    }

    /// A figure of `panels` in a grid of `columns`, each panel `panelSize` with `gap` around
    /// it, under `title`: the canvas and the frame of each panel, row by row.
    static func grid(title: String, panelCount: Int, columns: Int, panelSize: (width: Double, height: Double),
                     gap: (x: Double, y: Double), xTicks: AxisTicks, yTicks: AxisTicks) -> (SVGCanvas, [ChartFrame]) {
        let rows = (panelCount + columns - 1) / columns
        let left = 70.0, top = 60.0
        let width = left + Double(columns) * panelSize.width + Double(columns - 1) * gap.x + 30
        let height = top + Double(rows) * panelSize.height + Double(rows - 1) * gap.y + 55
        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")
        let frames = (0..<panelCount).map { index in
            ChartFrame(x: left + Double(index % columns) * (panelSize.width + gap.x),
                       y: top + Double(index / columns) * (panelSize.height + gap.y),
                       width: panelSize.width, height: panelSize.height, xTicks: xTicks, yTicks: yTicks)
        }
        return (svg, frames)
    }
}
