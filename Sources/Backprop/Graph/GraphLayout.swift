/// Where each part of a ``ComputationalGraph`` goes in a drawing, in the left-to-right
/// style of the book's figures: inputs stacked at the left in the order they were added,
/// each node one column right of the deepest node it reads from and level with the mean
/// height of its inputs, results leaving to the right.
struct GraphLayout {
    /// Horizontal distance between node columns.
    static let columnWidth = 170.0
    /// Vertical distance between inputs.
    static let rowHeight = 70.0
    /// The radius of a node's circle.
    static let nodeRadius = 22.0
    /// The length of the edge that leaves a result to the right.
    static let outputLength = 120.0
    /// The length of the slanted last part of an edge that changes height.
    static let bendLength = 40.0

    /// One edge to draw: a variable flowing into a node, or leaving the graph as a result.
    struct Edge {
        /// The variable on the edge.
        var variable: ComputationalGraph.VariableID
        /// The derivative the book writes beneath it.
        var gradient: Double
        /// The path: a horizontal run, then (if the heights differ) a slanted end into the node.
        var points: [SVGPoint]
        /// The horizontal run, where the values are written.
        var run: (start: Double, end: Double, y: Double)
        /// Whether the variable is an input (its name goes left of the edge), a result
        /// (right of it) or in between (above the run's start).
        var role: Role
    }

    enum Role { case input, intermediate, output }

    /// The centre of each node, indexed like ``ComputationalGraph/nodes``.
    private(set) var nodeCenters: [SVGPoint] = []
    private(set) var edges: [Edge] = []
    /// The extent of the drawing (without margins).
    private(set) var width = 0.0, height = 0.0

    /// Lays out `graph` with its top-left corner at `origin`.
    init(_ graph: ComputationalGraph, origin: SVGPoint) {
        let inputs = graph.variables.indices.filter { graph.variables[$0].producer == nil }
        var heights = [Double](repeating: 0, count: graph.variables.count)
        for (row, index) in inputs.enumerated() {
            heights[index] = origin.y + Double(row) * Self.rowHeight
        }
        var columns = [Int](repeating: 0, count: graph.nodes.count)
        for (index, node) in graph.nodes.enumerated() {
            columns[index] = 1 + (node.inputs.compactMap { graph[$0].producer.map { columns[$0] } }.max() ?? 0)
            let y = node.inputs.map { heights[$0.index] }.reduce(0, +) / Double(node.inputs.count)
            heights[node.output.index] = y
            nodeCenters.append((origin.x + Double(columns[index]) * Self.columnWidth, y))
        }

        var consumed = Set<Int>()
        for (index, node) in graph.nodes.enumerated() {
            let center = nodeCenters[index]
            for (position, input) in node.inputs.enumerated() {
                consumed.insert(input.index)
                let y = heights[input.index]
                let start = graph[input].producer.map { nodeCenters[$0].x + Self.nodeRadius } ?? origin.x
                let gradient = position < node.inputGradients.count ? node.inputGradients[position] : 0
                edges.append(Self.edge(input, gradient: gradient, from: (start, y), into: center,
                                       role: graph[input].producer == nil ? .input : .intermediate))
            }
        }
        // What no node reads leaves to the right: the results, and any input left unused.
        for index in graph.variables.indices where !consumed.contains(index) {
            let producer = graph.variables[index].producer
            let start = producer.map { nodeCenters[$0].x + Self.nodeRadius } ?? origin.x, y = heights[index]
            edges.append(Edge(variable: ComputationalGraph.VariableID(index: index),
                              gradient: graph.variables[index].gradient,
                              points: [(start, y), (start + Self.outputLength, y)],
                              run: (start, start + Self.outputLength, y), role: producer == nil ? .input : .output))
        }
        width = (edges.flatMap { $0.points.map(\.x) }.max() ?? origin.x) - origin.x
        height = (heights.max() ?? origin.y) - origin.y
    }

    /// An edge from `start` into the circle around `center`: horizontal, then slanted over
    /// the last ``bendLength`` when the heights differ, ending on the circle.
    private static func edge(_ variable: ComputationalGraph.VariableID, gradient: Double, from start: SVGPoint,
                             into center: SVGPoint, role: Role) -> Edge {
        if start.y == center.y {
            let end = center.x - nodeRadius
            return Edge(variable: variable, gradient: gradient, points: [start, (end, start.y)],
                        run: (start.x, end, start.y), role: role)
        }
        let bend = (x: center.x - nodeRadius - bendLength, y: start.y)
        let dx = center.x - bend.x, dy = center.y - bend.y
        let length = (dx * dx + dy * dy).squareRoot()
        let end = (x: center.x - dx / length * nodeRadius, y: center.y - dy / length * nodeRadius)
        return Edge(variable: variable, gradient: gradient, points: [start, bend, end],
                    run: (start.x, bend.x, start.y), role: role)
    }
}
