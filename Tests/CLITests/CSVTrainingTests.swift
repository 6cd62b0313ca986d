import Foundation
import Testing
import TestSupport

/// `train --csv`: a tabular data set from the command line, its model predicting on CSV, and
/// every malformed CSV refused with one line naming the file, row and column.
@Suite("backprop train and predict with CSV data")
struct CSVTrainingTests {
    let scratch: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
    }

    /// Three classes of points around well-separated centres in 4 features, one feature in
    /// the thousands (what --standardize is for); the label column sits between features.
    static func csv(rows: Int, seed: UInt64) -> String {
        var generator = SplitMix(state: seed)
        let centres: [[Double]] = [[0, 0, 0, 0], [3, -3, 2000, 1], [-3, 3, -2000, -1]]
        var text = "x1,x2,label,x3,x4\n"
        for row in 0..<rows {
            let label = row % 3
            let values = centres[label].enumerated().map { index, centre in
                centre + (index == 2 ? 600 : 0.6) * (generator.unit() - 0.5)
            }
            text += "\(values[0]),\(values[1]),\(label),\(values[2]),\(values[3])\n"
        }
        return text
    }

    /// A small deterministic generator, so the data does not depend on the library under test.
    struct SplitMix {
        var state: UInt64
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    func lastJSON(_ run: BackpropExecutable.Run) throws -> [String: Any] {
        let line = try #require(run.outputLines.last, "\(run)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
    }

    @Test("train --csv --test-csv --standardize learns, and predict on the test file reproduces its accuracy")
    func trainAndPredict() throws {
        let train = try scratch.writeFile(Array(Self.csv(rows: 300, seed: 1).utf8), to: "train.csv")
        let test = try scratch.writeFile(Array(Self.csv(rows: 90, seed: 2).utf8), to: "test.csv")
        let model = scratch.filePath("m.safetensors")
        let training = try run(["train", "--csv", train, "--label-column", "label", "--test-csv", test, "--standardize",
                                "--hidden", "8", "--iterations", "300", "--batch-size", "30", "--save", model, "--json"])
        // Under --json the run's description and table go to stderr, stdout holds JSON lines.
        #expect(training.exited && training.status == 0, "\(training)")
        #expect(training.errorLines.first?.hasPrefix(
            "\(train): 300 training and 90 test rows, 4 features, 3 classes, standardized (loaded in ") == true)
        let summary = try lastJSON(training)
        let testAccuracy = try #require(summary["test_accuracy"] as? Double)
        #expect(testAccuracy > 0.95, "\(training)")

        let predict = try run(["predict", "--model", model, "--csv", test, "--label-column", "label"])
        #expect(predict.status == 0, "\(predict)")
        #expect(predict.outputLines.count == 91 && predict.outputLines.first == "index,class,p0,p1,p2")
        #expect(predict.errorLines == [Substring(String(format: "accuracy %.4f (%d of 90 samples of %@)", testAccuracy,
                                                        Int((testAccuracy * 90).rounded()), test))])

        // The columns the model was trained on are checked by name.
        let renamed = try scratch.writeFile(Array(Self.csv(rows: 9, seed: 3).replacingOccurrences(of: "x4", with: "x5").utf8),
                                            to: "renamed.csv")
        expectOneLineError(try run(["predict", "--model", model, "--csv", renamed, "--label-column", "label"]),
                           mentioning: [renamed, "row 1", "the feature columns are 'x1' 'x2' 'x3' 'x5', expected 'x1' 'x2' 'x3' 'x4'"])
    }

    @Test("Without --test-csv a seeded fifth of the rows is held out; the run is reproducible")
    func testFraction() throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 200, seed: 4).utf8), to: "data.csv")
        let arguments = ["train", "--csv", data, "--label-column", "label", "--standardize", "--hidden", "8",
                         "--iterations", "200", "--batch-size", "20", "--seed", "7", "--json"]
        let first = try run(arguments)
        #expect(first.exited && first.status == 0, "\(first)")
        #expect(first.errorLines.first?.hasPrefix("\(data): 160 training and 40 test rows, 4 features, 3 classes") == true)
        let summary = try lastJSON(first)
        #expect((summary["test_accuracy"] as? Double).map { $0 > 0.95 } == true, "\(first)")
        let second = try lastJSON(try run(arguments))
        #expect(second["test_accuracy"] as? Double == summary["test_accuracy"] as? Double)
        #expect(second["final_loss"] as? Double == summary["final_loss"] as? Double)
    }

    @Test("--optimizer nesterov, adagrad and rmsprop train a tanh network", arguments: ["nesterov", "adagrad", "rmsprop"])
    func chapter6Optimizers(optimizer: String) throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 200, seed: 5).utf8), to: "data.csv")
        let run = try run(["train", "--csv", data, "--label-column", "label", "--standardize", "--hidden", "8",
                           "--activation", "tanh", "--optimizer", optimizer, "--learning-rate", "0.05",
                           "--iterations", "200", "--batch-size", "20", "--json"])
        #expect(run.exited && run.status == 0, "\(run)")
        let summary = try lastJSON(run)
        #expect((summary["test_accuracy"] as? Double).map { $0 > 0.9 } == true, "\(optimizer): \(run)")
    }

    @Test("Malformed CSV stops train with one line naming the file, row and column, and writes nothing", arguments: [
        ("x1,x2,label\n1,2,0\n3,4\n", ["row 3: 2 fields, but the header has 3 columns"]),
        ("x1,x2,label\n1,2,0\n3,four,1\n", ["row 3, column 'x2': 'four' is not a finite number"]),
        ("", ["file is empty"]),
        ("x1,x2,class\n1,2,0\n", ["row 1: no column named 'label' (the header has: x1, x2, class)"]),
        ("x1,x2,label\n", ["row 2: no data rows after the header"]),
        ("x1,x2,label\n1,2,zero\n", ["column 'label': every row has label 'zero'; training needs at least two classes"]),
    ] as [(String, [String])])
    func malformed(contents: String, fragments: [String]) throws {
        let data = try scratch.writeFile(Array(contents.utf8), to: "data.csv")
        let before = try scratch.listing()
        let run = try run(["train", "--csv", data, "--label-column", "label", "--iterations", "5",
                           "--save", scratch.filePath("m.safetensors"), "--curves", scratch.filePath("curves")])
        expectOneLineError(run, mentioning: [data] + fragments)
        #expect(try scratch.listing() == before)
    }

    @Test("A test file whose columns differ from the training file's is refused")
    func testColumnsDiffer() throws {
        let train = try scratch.writeFile(Array("a,b,label\n1,2,0\n3,4,1\n".utf8), to: "train.csv")
        let test = try scratch.writeFile(Array("b,a,label\n1,2,0\n".utf8), to: "test.csv")
        expectOneLineError(try run(["train", "--csv", train, "--label-column", "label", "--test-csv", test]),
                           mentioning: [test, "row 1", "the feature columns are 'b' 'a', expected 'a' 'b'"])
    }

    @Test("CSV options are checked together", arguments: [
        (["--csv", "d.csv"], "--csv needs --label-column NAME"),
        (["--label-column", "y"], "--label-column needs --csv"),
        (["--csv", "d.csv", "--label-column", "y", "--test-csv", "t.csv", "--test-fraction", "0.3"],
         "give --test-csv or --test-fraction, not both"),
        (["--csv", "d.csv", "--label-column", "y", "--test-fraction", "1"], "--test-fraction must be between 0 and 1"),
        (["--csv", "d.csv", "--label-column", "y", "--data", "."], "give --csv or --data, not both"),
    ] as [([String], String)])
    func options(arguments: [String], message: String) throws {
        expectOneLineError(try run(["train"] + arguments), mentioning: [message])
        #expect(try scratch.listing() == [])
    }
}
