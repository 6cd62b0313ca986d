import ArgumentParser
import Backprop
import Foundation

/// `backprop apples`: the book's computational-graph examples — the shopping examples of
/// section 5.4 through MulLayer and AddLayer, and the chain rule of section 5.2 — forward and
/// backward, and with `--svg` drawn as the book draws them.
struct ApplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apples",
        abstract: "Print (and draw) the book's computational-graph examples, forward and backward.")

    @Option(help: ArgumentHelp(
        "Write each graph as an SVG into this directory: apples.svg, apples-and-oranges.svg, chain-rule.svg.",
        valueName: "dir"))
    var svg: String?

    func run() throws {
        let directory = try svg.map { try validatedOutputDirectory($0, option: "--svg") }

        let apples = ShoppingExample.apples()
        let applesTitle = "2 apples at 100 with 10% tax (MulLayer, MulLayer)"
        let basket = ShoppingExample.applesAndOranges()
        let basketTitle = "2 apples at 100 and 3 oranges at 150 with 10% tax (MulLayer, MulLayer, AddLayer, MulLayer)"
        let chain = ChainRuleExample()
        let chainTitle = "z = t**2 with t = x + y at x = \(format(chain.x)), y = \(format(chain.y)) (AddLayer, SquareLayer)"

        // The files first, all or none: a directory that cannot be written fails the command
        // before it prints, and leaves no directory or file of the set behind.
        var files = OutputSet()
        if let directory {
            for (name, graph, title) in [("apples.svg", apples.graph, applesTitle),
                                         ("apples-and-oranges.svg", basket.graph, basketTitle),
                                         ("chain-rule.svg", chain.graph, chainTitle)] {
                files.add(Data(GraphDrawing(graph: graph, title: title).svg().utf8),
                          at: directory.appendingPathComponent(name))
            }
            do {
                try files.write()
            } catch {
                throw CommandError("\(error); nothing was written")
            }
        }
        try StandardOutput.line("""
            \(applesTitle)
              forward:  price = \(format(apples.price))
              backward: dApple = \(format(apples.dApple)), dAppleNum = \(format(apples.dAppleNum)), \
            dTax = \(format(apples.dTax))
            \(basketTitle)
              forward:  price = \(format(basket.price))
              backward: dAppleNum = \(format(basket.dAppleNum)), dApple = \(format(basket.dApple)), \
            dOrange = \(format(basket.dOrange)), dOrangeNum = \(format(basket.dOrangeNum)), dTax = \(format(basket.dTax))
            \(chainTitle)
              forward:  t = \(format(chain.t)), z = \(format(chain.z))
              backward: dz/dt = \(format(chain.dzdt)), dz/dx = \(format(chain.dzdx)), dz/dy = \(format(chain.dzdy))
            """)
        for url in files.urls {
            try StandardOutput.line("wrote \(url.path)")
        }
    }

    private func format(_ value: Double) -> String {
        BookNumberFormat.string(value)
    }
}
