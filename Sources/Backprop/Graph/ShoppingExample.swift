/// The book's two shopping examples (section 5.4) built from ``MulLayer`` and ``AddLayer``:
/// the price to pay, and how much it changes per unit change of each input. The CLI's
/// `apples` command prints these; the tests check them against the book's figures.
public enum ShoppingExample {
    /// Apples only: price = applePrice * appleCount * tax.
    public struct Apples: Sendable, Equatable {
        /// The total price, tax included (220 in the book).
        public var price: Double
        /// dPrice/dApplePrice (2.2).
        public var dApple: Double
        /// dPrice/dAppleCount (110).
        public var dAppleNum: Double
        /// dPrice/dTax (200).
        public var dTax: Double
    }

    /// Apples and oranges: price = (applePrice * appleCount + orangePrice * orangeCount) * tax.
    public struct ApplesAndOranges: Sendable, Equatable {
        /// The total price, tax included (715 in the book).
        public var price: Double
        /// dPrice/dApplePrice (2.2).
        public var dApple: Double
        /// dPrice/dAppleCount (110).
        public var dAppleNum: Double
        /// dPrice/dOrangePrice (3.3).
        public var dOrange: Double
        /// dPrice/dOrangeCount (165).
        public var dOrangeNum: Double
        /// dPrice/dTax (650).
        public var dTax: Double
    }

    /// Forward and backward through the two-node graph apple -> (x count) -> (x tax).
    /// The defaults are the book's numbers: 2 apples at 100 with 10% tax.
    public static func apples(price applePrice: Double = 100, count appleCount: Double = 2,
                              tax: Double = 1.1) -> Apples {
        var mulApple = MulLayer()
        var mulTax = MulLayer()

        let applesPrice = mulApple.forward(applePrice, appleCount)
        let price = mulTax.forward(applesPrice, tax)

        let (dApplesPrice, dTax) = mulTax.backward(1)
        let (dApple, dAppleNum) = mulApple.backward(dApplesPrice)
        return Apples(price: price, dApple: dApple, dAppleNum: dAppleNum, dTax: dTax)
    }

    /// Forward and backward through the four-node graph of the book's second example.
    /// The defaults are the book's numbers: 2 apples at 100, 3 oranges at 150, 10% tax.
    public static func applesAndOranges(applePrice: Double = 100, appleCount: Double = 2,
                                        orangePrice: Double = 150, orangeCount: Double = 3,
                                        tax: Double = 1.1) -> ApplesAndOranges {
        var mulApple = MulLayer()
        var mulOrange = MulLayer()
        let addFruit = AddLayer()
        var mulTax = MulLayer()

        let applesPrice = mulApple.forward(applePrice, appleCount)
        let orangesPrice = mulOrange.forward(orangePrice, orangeCount)
        let fruitPrice = addFruit.forward(applesPrice, orangesPrice)
        let price = mulTax.forward(fruitPrice, tax)

        let (dFruitPrice, dTax) = mulTax.backward(1)
        let (dApplesPrice, dOrangesPrice) = addFruit.backward(dFruitPrice)
        let (dOrange, dOrangeNum) = mulOrange.backward(dOrangesPrice)
        let (dApple, dAppleNum) = mulApple.backward(dApplesPrice)
        return ApplesAndOranges(price: price, dApple: dApple, dAppleNum: dAppleNum,
                                dOrange: dOrange, dOrangeNum: dOrangeNum, dTax: dTax)
    }
}
