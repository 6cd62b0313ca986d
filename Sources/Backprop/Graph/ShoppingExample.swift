/// The book's two shopping examples (section 5.4) built from ``MulLayer`` and ``AddLayer``:
/// the price to pay, and how much it changes per unit change of each input. Each result
/// carries the ``ComputationalGraph`` whose layers computed its numbers, for
/// ``GraphDrawing`` to draw as the book's figures 5-16 and 5-17. The CLI's `apples` command
/// prints and draws these; the tests check them against the book's figures.
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
        /// The graph that computed these numbers, forward and backward.
        public var graph: ComputationalGraph
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
        /// The graph that computed these numbers, forward and backward.
        public var graph: ComputationalGraph
    }

    /// Forward and backward through the two-node graph apple -> (x count) -> (x tax).
    /// The defaults are the book's numbers: 2 apples at 100 with 10% tax.
    public static func apples(price applePrice: Double = 100, count appleCount: Double = 2,
                              tax: Double = 1.1) -> Apples {
        var graph = ComputationalGraph()
        let apple = graph.input("apple", applePrice)
        let appleNum = graph.input("apple num", appleCount)
        let taxRate = graph.input("tax", tax)
        let price = graph.multiply(graph.multiply(apple, appleNum), taxRate, name: "price")
        graph.backward(from: price)
        return Apples(price: graph[price].value, dApple: graph[apple].gradient, dAppleNum: graph[appleNum].gradient,
                      dTax: graph[taxRate].gradient, graph: graph)
    }

    /// Forward and backward through the four-node graph of the book's second example.
    /// The defaults are the book's numbers: 2 apples at 100, 3 oranges at 150, 10% tax.
    public static func applesAndOranges(applePrice: Double = 100, appleCount: Double = 2,
                                        orangePrice: Double = 150, orangeCount: Double = 3,
                                        tax: Double = 1.1) -> ApplesAndOranges {
        var graph = ComputationalGraph()
        let apple = graph.input("apple", applePrice)
        let appleNum = graph.input("apple num", appleCount)
        let orange = graph.input("orange", orangePrice)
        let orangeNum = graph.input("orange num", orangeCount)
        let taxRate = graph.input("tax", tax)
        let fruitPrice = graph.add(graph.multiply(apple, appleNum), graph.multiply(orange, orangeNum))
        let price = graph.multiply(fruitPrice, taxRate, name: "price")
        graph.backward(from: price)
        return ApplesAndOranges(price: graph[price].value, dApple: graph[apple].gradient,
                                dAppleNum: graph[appleNum].gradient, dOrange: graph[orange].gradient,
                                dOrangeNum: graph[orangeNum].gradient, dTax: graph[taxRate].gradient, graph: graph)
    }
}
