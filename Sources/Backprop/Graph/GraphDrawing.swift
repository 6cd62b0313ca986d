/// A ``ComputationalGraph`` drawn as an SVG document in the style of the book's figures 5-16
/// and 5-17: operations in circles, each edge with its forward value above it and, in red, the
/// derivative the backward pass sent along it beneath it.
///
/// The drawing reads every number from the graph, which holds what its layers computed, so a
/// graph built from other inputs draws other numbers. In the document each edge is a
/// `<g class="edge">` whose texts have the classes `name`, `forward` and `backward`.
public struct GraphDrawing: Sendable {
    /// The graph to draw, normally after ``ComputationalGraph/backward(from:seed:)``.
    public var graph: ComputationalGraph
    /// The heading above the graph.
    public var title: String

    /// A drawing of `graph` under `title`.
    public init(graph: ComputationalGraph, title: String) {
        self.graph = graph
        self.title = title
    }

    static let backwardColor = "#d62728"
    static let margin = (left: 110.0, top: 70.0, right: 90.0, bottom: 50.0)

    /// The SVG document.
    public func svg() -> String {
        let layout = GraphLayout(graph, origin: (Self.margin.left, Self.margin.top))
        let width = Self.margin.left + layout.width + Self.margin.right
        let height = Self.margin.top + layout.height + Self.margin.bottom
        var svg = SVGCanvas(width: max(width, 360), height: height)
        svg.defineArrowHead(id: "arrow", color: "#333")
        svg.text(title, x: 12, y: 24, size: 15, anchor: "start", weight: "bold")
        svg.text("forward values above the edges, backward values (derivatives) beneath them in red",
                 x: 12, y: 42, size: 11, anchor: "start", color: "#555")
        for edge in layout.edges {
            svg.group("edge") { svg in draw(edge, on: &svg) }
        }
        for (node, center) in zip(graph.nodes, layout.nodeCenters) {
            svg.group("node") { svg in
                svg.circle(center: center, radius: GraphLayout.nodeRadius)
                svg.text(node.operation.symbol, x: center.x, y: center.y + 6, size: 17, anchor: "middle",
                         className: "operation")
            }
        }
        return svg.document()
    }

    private func draw(_ edge: GraphLayout.Edge, on svg: inout SVGCanvas) {
        let variable = graph[edge.variable]
        svg.polyline(edge.points, stroke: "#333", width: 1.3, arrowHead: "arrow")
        let middle = (edge.run.start + edge.run.end) / 2, y = edge.run.y
        svg.text(BookNumberFormat.string(variable.value), x: middle, y: y - 7, size: 14, anchor: "middle",
                 className: "forward")
        svg.text(BookNumberFormat.string(edge.gradient), x: middle, y: y + 19, size: 14, anchor: "middle",
                 color: Self.backwardColor, className: "backward")
        guard !variable.name.isEmpty else { return }
        switch edge.role {
        case .input:
            svg.text(variable.name, x: edge.run.start - 8, y: y + 5, size: 13, anchor: "end", className: "name")
        case .output:
            svg.text(variable.name, x: edge.run.end + 8, y: y + 5, size: 13, anchor: "start", className: "name")
        case .intermediate:
            svg.text(variable.name, x: edge.run.start + 6, y: y - 7, size: 13, anchor: "start", color: "#555",
                     italic: true, className: "name")
        }
    }
}
