import ArgumentParser
import Backprop

/// `backprop apples`: the book's shopping examples (section 5.4), forward and backward
/// through MulLayer and AddLayer.
struct ApplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apples",
        abstract: "Print the book's apple (and orange) computational-graph examples, forward and backward.")

    func run() {
        let apples = ShoppingExample.apples()
        print("""
            2 apples at 100 with 10% tax (MulLayer, MulLayer)
              forward:  price = \(format(apples.price))
              backward: dApple = \(format(apples.dApple)), dAppleNum = \(format(apples.dAppleNum)), \
            dTax = \(format(apples.dTax))
            """)
        let basket = ShoppingExample.applesAndOranges()
        print("""
            2 apples at 100 and 3 oranges at 150 with 10% tax (MulLayer, MulLayer, AddLayer, MulLayer)
              forward:  price = \(format(basket.price))
              backward: dAppleNum = \(format(basket.dAppleNum)), dApple = \(format(basket.dApple)), \
            dOrange = \(format(basket.dOrange)), dOrangeNum = \(format(basket.dOrangeNum)), dTax = \(format(basket.dTax))
            """)
    }

    /// Numbers as the book prints them: 220 rather than 220.00000000000003.
    private func format(_ value: Double) -> String {
        let rounded = (value * 1e9).rounded() / 1e9
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
