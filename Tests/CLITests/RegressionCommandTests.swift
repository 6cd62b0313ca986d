import Foundation
import Testing
import TestSupport

/// `train --csv --target-column`: a regression from the command line, its model predicting
/// real values by name, and its options checked.
@Suite("backprop train and predict a regression")
struct RegressionCommandTests {
    let scratch: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
    }

    /// y = 2·x1 - x2 + 0.5 + ε with x1, x2 uniform in (-1, 1) and ε uniform in (-0.3, 0.3),
    /// everything scaled by 100 and shifted by 1000 (so only --standardize makes it easy), and
    /// z = x1 + x2 exactly (a feature too, when only y is the target). Signal variance (4 + 1) / 3 = 5/3, noise variance 0.6² / 12 =
    /// 0.03: the best possible R² of y is (5/3) / (5/3 + 0.03) = 0.9823 and its best RMSE
    /// 100 · √0.03 = 17.3.
    static func csv(rows: Int, seed: UInt64) -> String {
        var generator = CSVTrainingTests.SplitMix(state: seed)
        var text = "x1,y,x2,z\n"
        for _ in 0..<rows {
            let x1 = 2 * generator.unit() - 1, x2 = 2 * generator.unit() - 1
            let y = 2 * x1 - x2 + 0.5 + 0.6 * (generator.unit() - 0.5)
            text += "\(x1),\(100 * y + 1000),\(x2),\(x1 + x2)\n"
        }
        return text
    }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    func json(_ line: Substring?) throws -> [String: Any] {
        let line = try #require(line)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("train --target-column --standardize reaches the noise floor's R²; predict writes index,y in the targets' units and reproduces the test metrics")
    func trainAndPredict() throws {
        let train = try scratch.writeFile(Array(Self.csv(rows: 300, seed: 11).utf8), to: "train.csv")
        let test = try scratch.writeFile(Array(Self.csv(rows: 100, seed: 12).utf8), to: "test.csv")
        let model = scratch.filePath("m.safetensors")
        let training = try run(["train", "--csv", train, "--target-column", "y", "--test-csv", test, "--standardize",
                                "--hidden", "16", "--optimizer", "adam", "--learning-rate", "0.01", "--epochs", "60",
                                "--batch-size", "32", "--save", model, "--json"])
        #expect(training.exited && training.status == 0, "\(training)")
        #expect(training.errorLines.first?.hasPrefix("\(train): 300 training and 100 test rows, 3 features, regression on y, "
                                                     + "features and targets standardized") == true, "\(training)")
        #expect(training.errorLines.contains { $0.hasPrefix("epoch  train-rmse  train-r2  test-rmse   test-r2") })
        let summary = try json(training.outputLines.last)
        let r2 = try #require(summary["test_r2"] as? Double), rmse = try #require(summary["test_rmse"] as? Double)
        let mae = try #require(summary["test_mae"] as? Double)
        #expect(r2 > 0.96 && r2 < 0.995, "\(summary)")
        #expect(rmse > 12 && rmse < 30, "\(summary)")
        #expect(mae > 0 && mae < rmse)
        #expect(summary["test_accuracy"] == nil && summary["train_r2"] is Double)
        // Every epoch line carries the metrics, not accuracies.
        let epoch = try json(training.outputLines.first)
        #expect(epoch["train_rmse"] is Double && epoch["test_r2"] is Double && epoch["train_accuracy"] == nil)

        let predict = try run(["predict", "--model", model, "--csv", test, "--target-column", "y"])
        #expect(predict.status == 0, "\(predict)")
        #expect(predict.outputLines.count == 101 && predict.outputLines.first == "index,y")
        // Values in the targets' units (around 1000), not standardized ones.
        let field = try #require(predict.outputLines[1].split(separator: ",").last)
        let first = try #require(Double(field))
        #expect(first > 700 && first < 1300, "\(predict.outputLines[1])")
        #expect(predict.errorLines == [Substring(String(format: "RMSE %.4f, MAE %.4f, R² %.4f (100 samples of %@)",
                                                        rmse, mae, r2, test))])
        let lines = try run(["predict", "--model", model, "--csv", test, "--json"])
        let record = try json(lines.outputLines.first)
        #expect(record["index"] as? Int == 0 && (record["y"] as? Double).map { abs($0 - first) < 1e-3 } == true, "\(record)")
        #expect(lines.errorLines.isEmpty)

        // evaluate --csv measures the same metrics on the file.
        let evaluation = try json(try run(["evaluate", "--model", model, "--csv", test, "--json"]).outputLines.last)
        #expect((evaluation["rmse"] as? Double).map { abs($0 - rmse) < 1e-4 * rmse } == true, "\(evaluation)")
        #expect((evaluation["r2"] as? Double).map { abs($0 - r2) < 1e-5 } == true, "\(evaluation)")
        #expect(evaluation["rows"] as? Int == 100 && evaluation["sizes"] as? String == "3-16-1")
        expectOneLineError(try run(["evaluate", "--model", model, "--csv", train, "--data", "."]),
                           mentioning: ["give --csv or --data, not both"])
    }

    @Test("Several target columns: one output each, named in predict's header")
    func severalTargets() throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 300, seed: 13).utf8), to: "data.csv")
        let model = scratch.filePath("m.safetensors")
        let training = try run(["train", "--csv", data, "--target-column", "z", "--target-column", "y", "--standardize",
                                "--hidden", "16", "--optimizer", "adam", "--learning-rate", "0.01", "--epochs", "40",
                                "--batch-size", "32", "--save", model, "--json"])
        #expect(training.status == 0, "\(training)")
        // z is exact and y near its floor of 0.98: the mean of the two R² is above 0.95.
        #expect((try json(training.outputLines.last)["test_r2"] as? Double).map { $0 > 0.95 } == true, "\(training)")
        let predict = try run(["predict", "--model", model, "--csv", data])
        #expect(predict.outputLines.first == "index,z,y" && predict.outputLines.count == 301, "\(predict)")
    }

    @Test("Regression options are checked with one line each", arguments: [
        (["train", "--csv", "d.csv", "--label-column", "y", "--target-column", "y"], "give --label-column (classes) or --target-column"),
        (["train", "--target-column", "y"], "--target-column needs --csv"),
        (["train", "--csv", "d.csv", "--target-column", "y", "--target-column", "y"], "--target-column y is given twice"),
        (["train", "--csv", "d.csv", "--target-column", "y", "--output", "sigmoid"], "a regression (--target-column) has identity outputs"),
        (["train", "--output", "identity"], "--output identity is for real-valued targets"),
    ] as [([String], String)])
    func options(arguments: [String], message: String) throws {
        expectOneLineError(try run(arguments), mentioning: [message])
    }

    @Test("A target column the file lacks, or a text value in it, is one line naming the file")
    func badTargets() throws {
        let good = try scratch.writeFile(Array("a,b,y\n1,2,3\n2,3,4\n".utf8), to: "good.csv")
        expectOneLineError(try run(["train", "--csv", good, "--target-column", "price"]),
                           mentioning: [good, "no column named 'price' (the header has: a, b, y)"])
        let data = try scratch.writeFile(Array("a,b,y\n1,2,3\n2,3,x\n".utf8), to: "data.csv")
        expectOneLineError(try run(["train", "--csv", data, "--target-column", "y"]),
                           mentioning: [data, "row 3, column 'y': 'x' is not a finite number"])
    }

    @Test("A model no better than the mean (R² <= 0) does not replace an existing --save file without --force")
    func noBetterThanTheMean() throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 100, seed: 14).utf8), to: "data.csv")
        let model = try scratch.writeFile(Array("previous model".utf8), to: "m.safetensors")
        // Unstandardized targets around 1000 and outputs near 0 after one tiny step: R² far below 0.
        let arguments = ["train", "--csv", data, "--target-column", "y", "--hidden", "4", "--learning-rate", "1e-9",
                         "--epochs", "1", "--batch-size", "16", "--save", model]
        expectOneLineError(try run(arguments), mentioning: ["is no better than always answering the mean (R² 0)", model,
                                                            "--force"])
        #expect(try String(contentsOfFile: model, encoding: .utf8) == "previous model")
        let forced = try run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)).count > 100)
    }
}
