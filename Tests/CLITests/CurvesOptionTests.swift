import Foundation
import Testing
import TestSupport

@Suite("backprop train --curves with --loss-smoothing")
struct CurvesOptionTests {
    @Test("--loss-smoothing 0.9 draws the smoothed loss in curves.svg")
    func smoothedCurves() throws {
        let scratch = try TemporaryDirectory(), data = try TemporaryDirectory()
        try MNISTSlice.write(to: data.url, trainCount: 200, testCount: 50)
        let run = try BackpropExecutable.run(["train", "--iterations", "20", "--data", data.url.path,
                                              "--curves", "out", "--loss-smoothing", "0.9"], in: scratch.url)
        expectSuccess(run)
        let svg = try String(contentsOf: scratch.url.appendingPathComponent("out/curves.svg"), encoding: .utf8)
        #expect(svg.contains("smoothed (β = 0.9)"))
        #expect(try XMLRoot.name(of: scratch.url.appendingPathComponent("out/curves.svg")) == "svg")
    }

    @Test("--loss-smoothing outside [0, 1) is refused with one line before any training")
    func outOfRange() throws {
        let scratch = try TemporaryDirectory()
        for value in ["1", "1.5", "nan"] {
            let run = try BackpropExecutable.run(["train", "--loss-smoothing", value, "--curves", "out"], in: scratch.url)
            expectOneLineError(run, mentioning: ["--loss-smoothing", "below 1"])
        }
        #expect(try scratch.listing() == [])
    }
}
