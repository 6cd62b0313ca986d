import Backprop
import Numerics
import Testing

@Suite("Scalar computational graph (book 5.4)")
struct GraphTests {
    @Test("MulLayer swaps the inputs on the way back")
    func multiplication() {
        var node = MulLayer()
        #expect(node.forward(3, -4) == -12)
        let (dx, dy) = node.backward(2)
        #expect(dx == -8)
        #expect(dy == 6)
    }

    @Test("AddLayer passes the upstream derivative to both inputs")
    func addition() {
        let node = AddLayer()
        #expect(node.forward(3, -4) == -1)
        let (dx, dy) = node.backward(1.5)
        #expect(dx == 1.5)
        #expect(dy == 1.5)
    }

    @Test("2 apples at 100 with 10% tax: 220, dApple 2.2, dAppleNum 110, dTax 200")
    func apples() {
        let result = ShoppingExample.apples()
        #expect(result.price.isApproximatelyEqual(to: 220, relativeTolerance: 1e-12))
        #expect(result.dApple.isApproximatelyEqual(to: 2.2, relativeTolerance: 1e-12))
        #expect(result.dAppleNum.isApproximatelyEqual(to: 110, relativeTolerance: 1e-12))
        #expect(result.dTax == 200)
    }

    @Test("Apples and 3 oranges at 150: 715, dAppleNum 110, dApple 2.2, dOrange 3.3, dOrangeNum 165, dTax 650")
    func applesAndOranges() {
        let result = ShoppingExample.applesAndOranges()
        #expect(result.price.isApproximatelyEqual(to: 715, relativeTolerance: 1e-12))
        #expect(result.dAppleNum.isApproximatelyEqual(to: 110, relativeTolerance: 1e-12))
        #expect(result.dApple.isApproximatelyEqual(to: 2.2, relativeTolerance: 1e-12))
        #expect(result.dOrange.isApproximatelyEqual(to: 3.3, relativeTolerance: 1e-12))
        #expect(result.dOrangeNum.isApproximatelyEqual(to: 165, relativeTolerance: 1e-12))
        #expect(result.dTax == 650)
    }

    @Test("The derivative of the price by the tax is the price before tax")
    func taxDerivativeIsPriceBeforeTax() {
        let result = ShoppingExample.applesAndOranges(applePrice: 3, appleCount: 7, orangePrice: 5,
                                                      orangeCount: 11, tax: 1.25)
        let priceBeforeTax: Double = 3 * 7 + 5 * 11
        #expect(result.dTax == priceBeforeTax)
        #expect(result.price == priceBeforeTax * 1.25)
        #expect(result.dOrangeNum == 5 * 1.25)
    }

    @Test("SquareLayer: t² forward, dout * 2t backward")
    func square() {
        var node = SquareLayer()
        #expect(node.forward(-3) == 9)
        #expect(node.backward(0.5) == -3)
    }

    @Test("Chain rule z = t², t = x + y: dz/dx = dz/dy = 2(x + y)")
    func chainRule() {
        let result = ChainRuleExample(x: -1.5, y: 4)
        #expect(result.t == 2.5)
        #expect(result.z == 6.25)
        #expect(result.dzdt == 5)
        #expect(result.dzdx == 5)
        #expect(result.dzdy == 5)
        let book = ChainRuleExample()
        #expect([book.t, book.z, book.dzdt, book.dzdx, book.dzdy] == [3, 9, 6, 6, 6])
    }

    @Test("A variable read by two nodes gets the sum of both edges' derivatives; one off the path gets 0")
    func fanOut() {
        var graph = ComputationalGraph()
        let a = graph.input("a", 3)
        let b = graph.input("b", 5)
        let unused = graph.input("unused", 7)
        let product = graph.multiply(a, b)            // ab
        let sum = graph.add(product, a)               // ab + a
        let z = graph.multiply(sum, a, name: "z")     // (ab + a) a = a²b + a²
        _ = graph.square(unused)
        graph.backward(from: z)
        #expect(graph[z].value == 54)
        #expect(graph[a].gradient == 2 * 3 * 5 + 2 * 3)   // 2ab + 2a
        #expect(graph[b].gradient == 9)                   // a²
        #expect(graph[unused].gradient == 0)
        #expect(graph.nodes[2].inputGradients == [3, 18])  // d/d(sum) = a, d/da on this edge = ab + a
    }

    @Test("Numbers print as the book prints them")
    func bookNumbers() {
        #expect(BookNumberFormat.string(2 * 100 * 1.1) == "220")
        #expect(BookNumberFormat.string(1.1 * 2) == "2.2")
        #expect(BookNumberFormat.string(100 * 1.1 * 1.5) == "165")
        #expect(BookNumberFormat.string(-0.5) == "-0.5")
        #expect(BookNumberFormat.string(3.24) == "3.24")
        #expect(BookNumberFormat.string(.infinity) == "inf")
    }
}
