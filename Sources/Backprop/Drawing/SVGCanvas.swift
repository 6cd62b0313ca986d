import Foundation

/// A point in SVG user units: x to the right, y downwards.
typealias SVGPoint = (x: Double, y: Double)

/// The few SVG elements Backprop's drawings need (the learning curves and the computational
/// graphs), written as text: one place that knows SVG's syntax, its escaping and how numbers
/// are printed, so each drawing only decides where things go.
struct SVGCanvas {
    let width: Double, height: Double
    private var definitions: [String] = []
    private var elements: [String] = []

    /// An empty white canvas of `width` x `height` units.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Coordinates to one decimal: a tenth of a unit is below what a screen shows, and the
    /// files stay small and stable.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `text` with the characters XML reserves replaced by entities.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Defines an arrow head that lines drawn with `arrowHead: id` end in.
    mutating func defineArrowHead(id: String, color: String) {
        definitions.append("<marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
            + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" "
            + "fill=\"\(color)\"/></marker>")
    }

    /// Wraps what `body` draws in `<g class="className">`, so a reader (or a test) can tell
    /// which elements belong together.
    mutating func group(_ className: String, _ body: (inout SVGCanvas) -> Void) {
        elements.append("<g class=\"\(Self.escaped(className))\">")
        body(&self)
        elements.append("</g>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, stroke: String = "#333",
                       fill: String = "none") {
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\" stroke=\"\(stroke)\"/>")
    }

    mutating func circle(center: SVGPoint, radius: Double, stroke: String = "#333", fill: String = "white") {
        elements.append("<circle cx=\"\(Self.number(center.x))\" cy=\"\(Self.number(center.y))\" "
            + "r=\"\(Self.number(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>")
    }

    mutating func line(from a: SVGPoint, to b: SVGPoint, stroke: String = "#333", width: Double = 1) {
        elements.append("<line x1=\"\(Self.number(a.x))\" y1=\"\(Self.number(a.y))\" x2=\"\(Self.number(b.x))\" "
            + "y2=\"\(Self.number(b.y))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"/>")
    }

    /// A line through `points`; `arrowHead` names a marker from ``defineArrowHead(id:color:)``.
    mutating func polyline(_ points: [SVGPoint], stroke: String, width: Double = 1.5, dashed: Bool = false,
                           opacity: Double = 1, arrowHead: String? = nil) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(Self.number(width))\""
            + (dashed ? " stroke-dasharray=\"6,4\"" : "")
            + (opacity < 1 ? " stroke-opacity=\"\(Self.number(opacity))\"" : "")
            + (arrowHead.map { " marker-end=\"url(#\($0))\"" } ?? "") + "/>")
    }

    /// Text anchored at (x, y) (`anchor`: start, middle or end); `className` marks what the
    /// text is (a value, a name) for readers of the file.
    mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String,
                       weight: String = "normal", color: String = "#000", italic: Bool = false,
                       className: String? = nil, rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(Self.number($0)) \(Self.number(x)) \(Self.number(y)))\"" } ?? ""
        elements.append("<text"
            + (className.map { " class=\"\(Self.escaped($0))\"" } ?? "")
            + " x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-family=\"sans-serif\" "
            + "font-size=\"\(Self.number(size))\" font-weight=\"\(weight)\""
            + (italic ? " font-style=\"italic\"" : "")
            + " fill=\"\(color)\" text-anchor=\"\(anchor)\"\(transform)>"
            + Self.escaped(content) + "</text>")
    }

    /// The complete, self-contained SVG document.
    func document() -> String {
        let defs = definitions.isEmpty ? "" : "<defs>\(definitions.joined())</defs>\n"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width.rounded(.up)))" \
            height="\(Int(height.rounded(.up)))" viewBox="0 0 \(Int(width.rounded(.up))) \(Int(height.rounded(.up)))">
            \(defs)<rect width="100%" height="100%" fill="white"/>
            \(elements.joined(separator: "\n"))
            </svg>

            """
    }
}
