import Backprop
import Testing

/// The drawings of the book's graphs, read back from the SVG: every edge's forward value
/// above it and backward value beneath it, as in figures 5-16, 5-17 and 5-8.
@Suite("Computational graphs drawn as SVG")
struct GraphDrawingTests {
    typealias Edge = SVGGraphReading.Edge

    func reading(_ graph: ComputationalGraph, sourceLocation: SourceLocation = #_sourceLocation) -> SVGGraphReading {
        let reading = SVGGraphReading(GraphDrawing(graph: graph, title: "test").svg(), sourceLocation: sourceLocation)
        #expect(reading.root == "svg", sourceLocation: sourceLocation)
        return reading
    }

    @Test("Figure 5-16: apple 100 / 2.2, apple num 2 / 110, 200 / 1.1, tax 1.1 / 200, price 220 / 1")
    func apples() {
        let drawn = reading(ShoppingExample.apples().graph)
        #expect(Set(drawn.edges) == [
            Edge(name: "apple", forward: "100", backward: "2.2"),
            Edge(name: "apple num", forward: "2", backward: "110"),
            Edge(name: "", forward: "200", backward: "1.1"),
            Edge(name: "tax", forward: "1.1", backward: "200"),
            Edge(name: "price", forward: "220", backward: "1"),
        ], "\(drawn.edges)")
        #expect(drawn.edges.count == 5)
        #expect(drawn.operations == ["×", "×"])
    }

    @Test("Figure 5-17: the apples and oranges with 715 at the end and 650 beneath the tax")
    func applesAndOranges() {
        let drawn = reading(ShoppingExample.applesAndOranges().graph)
        #expect(Set(drawn.edges) == [
            Edge(name: "apple", forward: "100", backward: "2.2"),
            Edge(name: "apple num", forward: "2", backward: "110"),
            Edge(name: "orange", forward: "150", backward: "3.3"),
            Edge(name: "orange num", forward: "3", backward: "165"),
            Edge(name: "", forward: "200", backward: "1.1"),
            Edge(name: "", forward: "450", backward: "1.1"),
            Edge(name: "", forward: "650", backward: "1.1"),
            Edge(name: "tax", forward: "1.1", backward: "650"),
            Edge(name: "price", forward: "715", backward: "1"),
        ], "\(drawn.edges)")
        #expect(drawn.edges.count == 9)
        #expect(drawn.operations == ["×", "×", "+", "×"])
    }

    @Test("Figures 5-7/5-8: z = t², t = x + y at x = 1, y = 2; every derivative 2t = 6")
    func chainRule() {
        let drawn = reading(ChainRuleExample().graph)
        #expect(Set(drawn.edges) == [
            Edge(name: "x", forward: "1", backward: "6"),
            Edge(name: "y", forward: "2", backward: "6"),
            Edge(name: "t", forward: "3", backward: "6"),
            Edge(name: "z", forward: "9", backward: "1"),
        ], "\(drawn.edges)")
        #expect(drawn.operations == ["+", "**2"])
    }

    @Test("Other inputs draw other numbers: 3 apples at 150 with 8% tax")
    func changedInputs() {
        let drawn = reading(ShoppingExample.apples(price: 150, count: 3, tax: 1.08).graph)
        #expect(Set(drawn.edges) == [
            Edge(name: "apple", forward: "150", backward: "3.24"),
            Edge(name: "apple num", forward: "3", backward: "162"),
            Edge(name: "", forward: "450", backward: "1.08"),
            Edge(name: "tax", forward: "1.08", backward: "450"),
            Edge(name: "price", forward: "486", backward: "1"),
        ], "\(drawn.edges)")
    }

    @Test("Text that XML reserves is escaped in titles and names")
    func escaping() {
        var graph = ComputationalGraph()
        let a = graph.input("a<b & \"c\"", 2)
        graph.backward(from: graph.square(a))
        let svg = GraphDrawing(graph: graph, title: "x < y & z").svg()
        let drawn = SVGGraphReading(svg)
        #expect(drawn.edges.contains(Edge(name: "a<b & \"c\"", forward: "2", backward: "4")), "\(drawn.edges)")
    }

    @Test("An input no node reads is still drawn, with its value and a derivative of 0")
    func unusedInput() {
        var graph = ComputationalGraph()
        let a = graph.input("a", 4)
        _ = graph.input("spare", 7)
        graph.backward(from: graph.square(a, name: "b"))
        let drawn = reading(graph)
        #expect(Set(drawn.edges) == [
            Edge(name: "a", forward: "4", backward: "8"),
            Edge(name: "b", forward: "16", backward: "1"),
            Edge(name: "spare", forward: "7", backward: "0"),
        ], "\(drawn.edges)")
    }
}
