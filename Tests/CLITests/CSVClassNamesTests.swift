import Foundation
import Testing
import TestSupport

/// Issue 19 from the command line: class names through train, the model file and predict;
/// pandas' files; `--delimiter`, `--ignore-column`, `--feature-columns` and `--classes`.
extension CSVTrainingTests {
    /// `Self.csv` with the labels 0, 1, 2 written as names that do not sort in that order,
    /// fields separated by `separator`, optionally as pandas writes it (an unnamed index column,
    /// CRLF line ends).
    static func namedCSV(rows: Int, seed: UInt64, separator: String = ",", pandas: Bool = false) -> String {
        let names = ["virginica", "setosa", "versicolor"]
        var lines = csv(rows: rows, seed: seed).split(separator: "\n").map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let label = Int(fields[2]) { fields[2] = names[label] }
            return fields
        }
        if pandas {
            lines = lines.enumerated().map { [$0.offset == 0 ? "" : String($0.offset - 1)] + $0.element }
        }
        return lines.map { $0.joined(separator: separator) }.joined(separator: pandas ? "\r\n" : "\n") + "\n"
    }

    @Test("class names: train stores them, predict prints them and names its columns, labels compare by name")
    func classNamesRoundTrip() throws {
        let train = try scratch.writeFile(Array(Self.namedCSV(rows: 150, seed: 11).utf8), to: "train.csv")
        let test = try scratch.writeFile(Array(Self.namedCSV(rows: 30, seed: 12).utf8), to: "test.csv")
        let model = scratch.filePath("m.safetensors")
        let training = try run(["train", "--csv", train, "--label-column", "label", "--test-csv", test, "--standardize",
                                "--hidden", "8", "--iterations", "200", "--batch-size", "30", "--save", model, "--json"])
        #expect(training.status == 0, "\(training)")
        #expect(training.errorLines.first?.hasPrefix(
            "\(train): 150 training and 30 test rows, 4 features, 3 classes (setosa, versicolor, virginica), standardized")
                == true, "\(training)")
        let testAccuracy = try #require(try lastJSON(training)["test_accuracy"] as? Double)
        #expect(testAccuracy > 0.95)

        let predict = try run(["predict", "--model", model, "--csv", test, "--label-column", "label"])
        #expect(predict.status == 0, "\(predict)")
        #expect(predict.outputLines.first == "index,class,p_setosa,p_versicolor,p_virginica")
        // Rows cycle virginica, setosa, versicolor; the network tells them apart.
        let predicted = predict.outputLines.dropFirst().map { $0.split(separator: ",")[1] }
        let expected = (0..<30).map { ["virginica", "setosa", "versicolor"][$0 % 3] }
        #expect(zip(predicted, expected).filter { $0 == $1 }.count >= 29, "\(predicted)")
        #expect(predict.errorLines == [Substring(String(format: "accuracy %.4f (%d of 30 samples of %@)", testAccuracy,
                                                        Int((testAccuracy * 30).rounded()), test))])
        let json = try run(["predict", "--model", model, "--csv", test, "--label-column", "label", "--json"])
        #expect(json.outputLines.first?.hasPrefix(#"{"index":0,"class":"virginica","probabilities":["#) == true, "\(json)")

        // evaluate --csv compares by name too, and agrees with training's test accuracy.
        let evaluate = try run(["evaluate", "--model", model, "--csv", test, "--label-column", "label", "--json"])
        #expect(evaluate.status == 0, "\(evaluate)")
        let evaluated = try lastJSON(evaluate)
        #expect((evaluated["accuracy"] as? Double).map { abs($0 - testAccuracy) < 1e-9 } == true, "\(evaluate)")
        #expect(evaluated["samples"] as? Int == 30)

        // A class the training file lacks: one line naming the file, row, column and value.
        let unknown = try scratch.writeFile(Array(Self.namedCSV(rows: 3, seed: 13)
                                                    .replacingOccurrences(of: "versicolor", with: "rose").utf8), to: "u.csv")
        expectOneLineError(try run(["predict", "--model", model, "--csv", unknown, "--label-column", "label"]),
                           mentioning: [unknown, "row 4, column 'label': class 'rose' is not a class of the model \(model)"])
        expectOneLineError(try run(["evaluate", "--model", model, "--csv", unknown, "--label-column", "label"]),
                           mentioning: [unknown, "class 'rose' is not a class of the model \(model)"])
        expectOneLineError(try run(["train", "--csv", train, "--label-column", "label", "--test-csv", unknown]),
                           mentioning: [unknown, "row 4, column 'label': class 'rose' is not in the training file \(train)"])
    }

    @Test("a pandas-written CSV (index column, float labels, CRLF) trains with only the file and the label column")
    func pandasCSV() throws {
        let text = Self.csv(rows: 150, seed: 14).split(separator: "\n").enumerated().map { row, line -> String in
            var fields = line.split(separator: ",").map(String.init)
            if row > 0 { fields[2] += ".0" }
            return ([row == 0 ? "" : String(row - 1)] + fields).joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
        let data = try scratch.writeFile(Array(text.utf8), to: "pandas.csv")
        let run = try run(["train", "--csv", data, "--label-column", "label", "--standardize", "--iterations", "150",
                           "--batch-size", "20", "--hidden", "8", "--json"])
        #expect(run.status == 0, "\(run)")
        let note = "backprop: note: \(data): column 1 has no name and holds 0, 1, 2, ... (a pandas index); it is not a feature"
        #expect(run.errorLines.first.map(String.init) == note, "\(run)")
        #expect(run.errorLines.dropFirst().first?.hasPrefix("\(data): 120 training and 30 test rows, 4 features, 3 classes, "
                                                            + "standardized") == true, "\(run)")
        #expect((try lastJSON(run)["test_accuracy"] as? Double).map { $0 > 0.95 } == true, "\(run)")
    }

    @Test("--delimiter ';' and tab, --ignore-column and --feature-columns choose how the file is read",
          arguments: [(";", ";", [String]()), ("tab", "\t", []), (",", ",", ["--ignore-column", "x4"]),
                      (",", ",", ["--feature-columns", "x1,x2,x3"])])
    func delimiterAndColumns(option: String, separator: String, columns: [String]) throws {
        let text = Self.namedCSV(rows: 90, seed: 15, separator: separator)
        let data = try scratch.writeFile(Array(text.utf8), to: "data.csv")
        let model = scratch.filePath("d.safetensors")
        let run = try run(["train", "--csv", data, "--label-column", "label", "--delimiter", option, "--standardize",
                           "--iterations", "100", "--batch-size", "18", "--hidden", "8", "--save", model, "--json"] + columns)
        #expect(run.status == 0, "\(run)")
        let features = columns.isEmpty ? 4 : 3
        #expect(run.errorLines.first?.hasPrefix("\(data): 72 training and 18 test rows, \(features) features, 3 classes")
                == true, "\(run)")
        let predict = try self.run(["predict", "--model", model, "--csv", data, "--label-column", "label",
                                    "--delimiter", option] + columns)
        #expect(predict.status == 0 && predict.outputLines.count == 91, "\(predict)")
    }

    @Test("CSV column options are checked: exclusive, unknown names, the label column")
    func columnOptionErrors() throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 9, seed: 16).utf8), to: "data.csv")
        let base = ["train", "--csv", data, "--label-column", "label", "--iterations", "1"]
        expectOneLineError(try run(base + ["--ignore-column", "x1", "--feature-columns", "x2"]),
                           mentioning: ["give --ignore-column or --feature-columns, not both"])
        expectOneLineError(try run(base + ["--ignore-column", "nope"]),
                           mentioning: [data, "row 1: no column named 'nope' (the header has: x1, x2, label, x3, x4)"])
        expectOneLineError(try run(base + ["--feature-columns", "x1,label"]),
                           mentioning: [data, "column 'label' is the label column"])
        expectOneLineError(try run(["train", "--delimiter", ";"]), mentioning: ["--delimiter needs --csv"])
        expectOneLineError(try run(base + ["--delimiter", "\""]), mentioning: ["--delimiter"])
    }

    @Test("a label column with more distinct values than a tenth of the rows is refused unless --classes is given")
    func manyDistinctLabels() throws {
        // 120 rows, 20 classes: label = row % 20, one feature that tells them apart.
        let text = "x,y\n" + (0..<120).map { "\(Double($0 % 20) + Double($0) / 1000),\($0 % 20)" }.joined(separator: "\n")
        let data = try scratch.writeFile(Array(text.utf8), to: "many.csv")
        let base = ["train", "--csv", data, "--label-column", "y", "--iterations", "5", "--batch-size", "10"]
        expectOneLineError(try run(base), mentioning: [data, "column 'y' holds 20 distinct labels in 120 rows",
                                                       "--target-column", "--classes N"])
        let accepted = try run(base + ["--classes", "20", "--json"])
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.errorLines.first?.contains("20 classes") == true, "\(accepted)")
        expectOneLineError(try run(base + ["--classes", "100000000"]),
                           mentioning: [data, "100000000 classes were asked for, more than the 120 rows"])
        expectOneLineError(try run(base + ["--classes", "12"]),
                           mentioning: [data, "labels up to 19, but 12 classes (0...11) were asked for"])
    }
}
