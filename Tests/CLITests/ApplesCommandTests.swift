import Foundation
import Testing
import TestSupport

@Suite("backprop apples")
struct ApplesCommandTests {
    @Test("Prints the book's forward and backward numbers for both shopping graphs (figures 5-16 and 5-17)")
    func booksNumbers() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["apples"], in: scratch.url)
        expectSuccess(run)
        let lines = run.outputLines.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines == [
            "2 apples at 100 with 10% tax (MulLayer, MulLayer)",
            "forward:  price = 220",
            "backward: dApple = 2.2, dAppleNum = 110, dTax = 200",
            "2 apples at 100 and 3 oranges at 150 with 10% tax (MulLayer, MulLayer, AddLayer, MulLayer)",
            "forward:  price = 715",
            "backward: dAppleNum = 110, dApple = 2.2, dOrange = 3.3, dOrangeNum = 165, dTax = 650",
        ], "\(run)")
        #expect(try scratch.listing() == [])
    }
}
