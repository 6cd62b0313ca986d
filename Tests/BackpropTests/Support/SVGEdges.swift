import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// What a reader sees in a drawing of a computational graph, read back from the SVG text
/// with Foundation's XMLParser: per `<g class="edge">` its name, forward and backward texts,
/// and the operation symbols of the nodes.
final class SVGGraphReading: NSObject, XMLParserDelegate {
    /// One edge's texts; "" where the edge has no such text.
    struct Edge: Hashable, CustomStringConvertible {
        var name = "", forward = "", backward = ""
        var description: String { "\(name.isEmpty ? "·" : name): \(forward) / \(backward)" }
    }

    private(set) var edges: [Edge] = []
    private(set) var operations: [String] = []
    private(set) var root: String?
    private var groupClasses: [String?] = []
    private var textClass: String?
    private var textContent = ""

    /// Parses `svg`, recording an issue when it is not well-formed XML.
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
            groupClasses.append(attributes["class"])
            if attributes["class"] == "edge" { edges.append(Edge()) }
        case "text":
            textClass = attributes["class"]
            textContent = ""
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        textContent += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        switch elementName {
        case "g":
            groupClasses.removeLast()
        case "text":
            if groupClasses.last == "edge", !edges.isEmpty {
                switch textClass {
                case "name": edges[edges.count - 1].name = textContent
                case "forward": edges[edges.count - 1].forward = textContent
                case "backward": edges[edges.count - 1].backward = textContent
                default: break
                }
            } else if groupClasses.last == "node", textClass == "operation" {
                operations.append(textContent)
            }
            textClass = nil
        default:
            break
        }
    }
}
