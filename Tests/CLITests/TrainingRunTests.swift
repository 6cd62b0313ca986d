import Foundation
import Testing
import TestSupport

/// Short real runs of train, evaluate and gradcheck on a slice of MNIST, checked through their
/// output files and JSON lines.
@Suite("backprop train, evaluate and gradcheck on a slice of MNIST")
struct TrainingRunTests: RunsInDirectories {
    /// 1,200 training images (more than evaluate's 1,000-row chunks) and 300 test images.
    static let trainCount = 1200, testCount = 300

    let directories: RunDirectories

    init() throws {
        directories = try RunDirectories(trainCount: Self.trainCount, testCount: Self.testCount)
    }

    /// The last line of standard output as a JSON object.
    func jsonLine(_ run: BackpropExecutable.Run, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let line = try #require(run.outputLines.last, "\(run)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
    }

    @Test("train writes a model, curves and a JSON summary that evaluate reproduces exactly")
    func trainThenEvaluate() throws {
        let model = scratch.filePath("m.safetensors"), curves = scratch.filePath("curves")
        let train = try BackpropExecutable.run(["train", "--iterations", "50", "--data", data.url.path,
                                                "--save", model, "--curves", curves, "--json"], in: scratch.url)
        #expect(train.exited && train.status == 0, "\(train)")  // --json puts the text on stderr
        let summary = try jsonLine(train)
        #expect(Set(summary.keys).isSuperset(of: ["train_accuracy", "test_accuracy", "final_loss", "iterations", "seconds"]))
        let trainAccuracy = try #require(summary["train_accuracy"] as? Double)
        let testAccuracy = try #require(summary["test_accuracy"] as? Double)
        #expect(summary["iterations"] as? Int == 50)
        #expect((summary["seconds"] as? Double).map { $0 > 0 } == true)
        let finalLoss = try #require(summary["final_loss"] as? Double)
        #expect(finalLoss.isFinite && finalLoss > 0 && finalLoss < 2.3, "the loss starts at ln 10 ≈ 2.303 and falls")
        // 50 steps of the book's SGD (about 0.4 here) already beat the 10% of guessing.
        #expect(trainAccuracy > 0.25 && testAccuracy > 0.25, "\(summary)")
        #expect(try scratch.listing() == ["curves", "curves/curves.csv", "curves/curves.svg", "m.safetensors"])

        let csv = try String(contentsOfFile: curves + "/curves.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 51)
        #expect(rows.first == "iteration,loss,epoch,train_accuracy,test_accuracy")
        #expect(rows[1].hasPrefix("1,") && rows[1].split(separator: ",", omittingEmptySubsequences: false).count == 5)
        #expect(rows.last?.hasPrefix("50,") == true)
        #expect(try XMLRoot.name(of: URL(fileURLWithPath: curves + "/curves.svg")) == "svg")

        let evaluate = try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path, "--json"],
                                                  in: scratch.url)
        expectSuccess(evaluate)
        let measured = try jsonLine(evaluate)
        #expect(measured["train_accuracy"] as? Double == trainAccuracy)
        #expect(measured["test_accuracy"] as? Double == testAccuracy)
        #expect(measured["sizes"] as? String == "784-50-10")
    }

    @Test("gradcheck passes in Double on the reference backend")
    func gradcheck() throws {
        let run = try BackpropExecutable.run(["gradcheck", "--backend", "reference", "--precision", "double",
                                              "--samples", "2", "--hidden", "5", "--data", data.url.path, "--json"],
                                             in: scratch.url)
        expectSuccess(run)
        let result = try jsonLine(run)
        #expect(result["passed"] as? Bool == true, "\(run)")
        #expect(result["sizes"] as? String == "784-5-10")
        let differences = try #require(result["differences"] as? [String: Double])
        #expect(Set(differences.keys) == ["W1", "b1", "W2", "b2"])
        #expect(differences.values.allSatisfy { $0 < 1e-8 }, "\(differences)")
        #expect(try scratch.listing() == [])
    }
}
