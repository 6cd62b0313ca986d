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
}
