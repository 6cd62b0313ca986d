import Foundation
import Testing
import TestSupport

@Suite("backprop apples")
struct ApplesCommandTests {
    static let bookLines = [
        "2 apples at 100 with 10% tax (MulLayer, MulLayer)",
        "forward:  price = 220",
        "backward: dApple = 2.2, dAppleNum = 110, dTax = 200",
        "2 apples at 100 and 3 oranges at 150 with 10% tax (MulLayer, MulLayer, AddLayer, MulLayer)",
        "forward:  price = 715",
        "backward: dAppleNum = 110, dApple = 2.2, dOrange = 3.3, dOrangeNum = 165, dTax = 650",
        "z = t**2 with t = x + y at x = 1, y = 2 (AddLayer, SquareLayer)",
        "forward:  t = 3, z = 9",
        "backward: dz/dt = 6, dz/dx = 6, dz/dy = 6",
    ]

    @Test("Prints the book's forward and backward numbers for the shopping graphs (figures 5-16, 5-17) and the chain rule")
    func booksNumbers() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["apples"], in: scratch.url)
        expectSuccess(run)
        let lines = run.outputLines.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines == Self.bookLines, "\(run)")
        #expect(try scratch.listing() == [])
    }

    @Test("--svg DIR writes the three graphs, creating DIR, each showing the book's numbers")
    func svgFiles() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["apples", "--svg", "graphs"], in: scratch.url)
        expectSuccess(run)
        #expect(Array(run.outputLines.prefix(9).map { $0.trimmingCharacters(in: .whitespaces) }) == Self.bookLines)
        #expect(run.outputLines.count == 12 && run.outputLines.last?.hasSuffix("graphs/chain-rule.svg") == true,
                "\(run)")
        #expect(try scratch.listing() == ["graphs", "graphs/apples-and-oranges.svg", "graphs/apples.svg",
                                          "graphs/chain-rule.svg"])
        // The values are the texts a reader sees; the library's tests read each edge, here
        // each file must hold its graph's distinctive numbers.
        for (name, values) in [("apples", ["220", "2.2", "110", "200"]),
                               ("apples-and-oranges", ["715", "650", "3.3", "165", "450"]),
                               ("chain-rule", ["9", "6", "**2"])] {
            let url = scratch.url.appendingPathComponent("graphs/\(name).svg")
            #expect(try XMLRoot.name(of: url) == "svg")
            let svg = try String(contentsOf: url, encoding: .utf8)
            for value in values {
                #expect(svg.contains(">\(value)</text>"), "\(name).svg lacks \(value)")
            }
        }
        // A second run replaces the files.
        let again = try BackpropExecutable.run(["apples", "--svg", "graphs"], in: scratch.url)
        expectSuccess(again)
        #expect(try scratch.listing().count == 4)
    }

    @Test("--svg naming a file, or a directory under a missing parent, fails with one line and writes nothing")
    func badSVGDirectory() throws {
        try SVGDirectoryChecks.expectFileAndMissingParentRefused(["apples"])
    }

    @Test("--svg into a directory without write permission fails with one line naming the file",
          .enabled(if: geteuid() != 0, "root may write into any directory"))
    func unwritableSVGDirectory() throws {
        try SVGDirectoryChecks.expectUnwritableRefused(["apples"], mentioning: ["locked/apples.svg", "cannot be written",
                                                                                "nothing was written"])
    }
}

extension ApplesCommandTests {
    @Test("--svg where apples.svg is a directory: the project's own words, and none of the three files")
    func directoryInPlaceOfAFile() throws {
        let scratch = try TemporaryDirectory()
        try scratch.makeDirectory("out/apples.svg")
        let run = try BackpropExecutable.run(["apples", "--svg", "out"], in: scratch.url)
        expectOneLineError(run, mentioning: ["out/apples.svg: cannot be written: it is a directory; nothing was written"])
        #expect(!run.standardError.contains("NSCocoaErrorDomain"), "\(run)")
        #expect(try scratch.listing() == ["out", "out/apples.svg"])
    }
}

#if os(Linux)
extension ApplesCommandTests {
    @Test("--svg into a directory no one may write (Linux's /proc/self, even as root) fails with one line before printing")
    func procSVGDirectory() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["apples", "--svg", "/proc/self"], in: scratch.url)
        expectOneLineError(run, mentioning: ["/proc/self/apples.svg", "cannot be written", "nothing was written"])
        #expect(run.standardOutput.isEmpty, "\(run)")
    }
}
#endif
