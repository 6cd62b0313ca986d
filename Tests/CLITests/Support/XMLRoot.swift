import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The name of an XML document's root element, read with Foundation's XMLParser: a file that
/// is not well-formed XML has none.
final class XMLRoot: NSObject, XMLParserDelegate {
    private var root: String?

    static func name(of url: URL) throws -> String? {
        let parser = try #require(XMLParser(contentsOf: url))
        let delegate = XMLRoot()
        parser.delegate = delegate
        guard parser.parse() else {
            Issue.record("\(url.path) is not well-formed XML: \(String(describing: parser.parserError))")
            return nil
        }
        return delegate.root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
    }
}
