import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The charts of an experiment's figure as a reader sees them, read back from the SVG text
/// with Foundation's XMLParser: per `<g class="panel">` its title, its tick labels with their
/// positions, and the points of each `<g class="line NAME">` mapped back to data through the
/// ticks (so a figure that draws a value in the wrong place reads back wrong).
final class SVGPanels: NSObject, XMLParserDelegate {
    struct Panel {
        var title = ""
        /// (value, pixel) of each tick label.
        var xTicks: [(Double, Double)] = [], yTicks: [(Double, Double)] = []
        /// Each line's points in pixels, by the line's name.
        var pixelLines: [String: [(Double, Double)]] = [:]
        /// Polylines drawn outside the named lines and the legend (contour lines).
        var otherPolylines = 0

        /// The points of line `name` in data coordinates.
        func line(_ name: String) -> [(Double, Double)] {
            (pixelLines[name] ?? []).map { (Self.map($0.0, xTicks), Self.map($0.1, yTicks)) }
        }

        /// The data value at `pixel`, interpolating between the first and last tick.
        private static func map(_ pixel: Double, _ ticks: [(Double, Double)]) -> Double {
            guard let first = ticks.first, let last = ticks.last, last.1 != first.1 else { return .nan }
            return first.0 + (pixel - first.1) / (last.1 - first.1) * (last.0 - first.0)
        }
    }

    private(set) var panels: [Panel] = []
    private(set) var root: String?
    private(set) var polylineCount = 0
    private var groups: [String] = []
    private var text: (className: String?, x: Double, y: Double, bold: Bool)?
    private var content = ""

    init(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() {
            Issue.record("not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
        }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
        switch elementName {
        case "g":
            let className = attributes["class"] ?? ""
            groups.append(className)
            if className == "panel" { panels.append(Panel()) }
        case "text":
            text = (attributes["class"], Double(attributes["x"] ?? "") ?? .nan, Double(attributes["y"] ?? "") ?? .nan,
                    attributes["font-weight"] == "bold")
            content = ""
        case "polyline":
            polylineCount += 1
            guard groups.contains("panel"), !panels.isEmpty else { return }
            let points = (attributes["points"] ?? "").split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0) ?? .nan }
                return (xy[0], xy[1])
            }
            if let line = groups.last, line.hasPrefix("line ") {
                panels[panels.count - 1].pixelLines[String(line.dropFirst(5))] = points
            } else if !groups.contains("legend") {
                panels[panels.count - 1].otherPolylines += 1
            }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        content += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        switch elementName {
        case "g":
            groups.removeLast()
        case "text":
            defer { text = nil }
            guard let text, groups.contains("panel"), !panels.isEmpty else { return }
            switch text.className {
            case "x-tick": panels[panels.count - 1].xTicks.append((Double(content) ?? .nan, text.x))
            // The label sits 4 units below its tick line.
            case "y-tick": panels[panels.count - 1].yTicks.append((Double(content) ?? .nan, text.y - 4))
            default: if text.bold { panels[panels.count - 1].title = content }
            }
        default:
            break
        }
    }
}
