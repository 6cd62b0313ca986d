import Backprop
import Foundation
import Testing
import TestSupport

/// Issue 19 (class names, columns, delimiters) and issue 22 (bounded memory) for CSV tables:
/// the file streamed into a feature buffer, labels that are names, pandas' way of writing.
@Suite("CSV: streamed reading, class names, delimiters and columns")
struct CSVReadingTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func write(_ text: String, to name: String = "data.csv") throws -> URL {
        try directory.write(Array(text.utf8), to: name)
    }

    /// Three well-separated classes named out of sorted order, in 2 features.
    static func irisLike(rows: Int, seed: UInt64, separator: String = ",", lineEnd: String = "\n") -> String {
        var generator = SeededGenerator(seed: seed)
        let names = ["virginica", "setosa", "versicolor"]
        let centres: [[Float]] = [[4, 0], [0, 0], [0, 4]]
        var text = ["a", "b", "species"].joined(separator: separator) + lineEnd
        for row in 0..<rows {
            let label = row % 3
            let values = centres[label].map { $0 + Float.random(in: -0.5...0.5, using: &generator) }
            text += ["\(values[0])", "\(values[1])", names[label]].joined(separator: separator) + lineEnd
        }
        return text
    }

    @Test("names become classes in sorted order; integer-valued floats stay integers; numbers sort numerically")
    func classNames() throws {
        let named = try CSVTable(contentsOf: try write("a,label\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n"),
                                 labelColumn: "label")
        #expect(named.classNames == ["setosa", "versicolor", "virginica"])
        #expect(named.labels == [2, 0, 1, 0])
        #expect(try named.trainingClassCount() == 3)

        let floats = try CSVTable(contentsOf: try write("a,label\n1,1.0\n2,0.0\n3,2\n"), labelColumn: "label")
        #expect(floats.classNames == nil && floats.labels == [1, 0, 2])

        let numbers = try CSVTable(contentsOf: try write("a,label\n1,10\n2,9.5\n3,-1\n4,10.0\n"), labelColumn: "label")
        #expect(numbers.classNames == ["-1", "9.5", "10", "10.0"])
        #expect(numbers.labels == [2, 1, 0, 3])
    }

    @Test("class names round-trip through a saved model: train, save, load, predict the names")
    func namesRoundTrip() throws {
        let training = try CSVTable(contentsOf: try write(Self.irisLike(rows: 150, seed: 1), to: "train.csv"),
                                    labelColumn: "species")
        #expect(training.classNames == ["setosa", "versicolor", "virginica"])
        let classCount = try training.trainingClassCount()
        let network = MultiLayerNet(inputSize: 2, hiddenSizes: [8], outputSize: classCount, backend: FastBackend(), seed: 2)
        _ = try Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: try Dataset(training),
                        testSet: try Dataset(training),
                        configuration: TrainingConfiguration(iterations: 150, batchSize: 15, seed: 3)).train()
        let model = directory.url.appendingPathComponent("m.safetensors")
        try ModelFile.save(network, to: model,
                           metadata: training.featureColumnsMetadata.merging(training.classNamesMetadata) { $1 })

        // The test file lists the classes in another order, and only two of them.
        let testText = "a,b,species\n0.1,3.9,versicolor\n3.8,0.2,virginica\n0.2,-0.1,versicolor\n"
        let test = try CSVTable(contentsOf: try write(testText, to: "test.csv"), labelColumn: "species")
        #expect(test.classNames == ["versicolor", "virginica"] && test.labels == [0, 1, 0])
        let loaded = try ModelFile.importModel(from: model, backend: FastBackend())
        let names = try #require(try CSVTable.classNames(recordedIn: loaded.metadata, model: model.path,
                                                         classCount: loaded.network.outputSize))
        #expect(names == ["setosa", "versicolor", "virginica"])
        try test.requireFeatureColumns(recordedIn: loaded.metadata, model: model.path)
        let labels = try test.labels(matchingModel: model.path, classNames: names, classCount: 3)
        #expect(labels == [1, 2, 1])
        #expect(try test.labels(matching: training) == [1, 2, 1])
        let predicted = loaded.network.classify(test.features).map { names[$0] }
        #expect(predicted == ["versicolor", "virginica", "setosa"] || predicted == ["versicolor", "virginica", "versicolor"])
        #expect(predicted.prefix(2) == ["versicolor", "virginica"])

        // A class the model or the training file lacks is one line naming file, row, column and value.
        let unknownURL = try write("a,b,species\n0,0,setosa\n1,1,rose\n", to: "unknown.csv")
        let unknown = try CSVTable(contentsOf: unknownURL, labelColumn: "species")
        #expect(throws: CSVDataError.notAModelClass(path: unknownURL.path, row: 3, column: "species", label: "rose",
                                                    model: model.path)) {
            try unknown.labels(matchingModel: model.path, classNames: names, classCount: 3)
        }
        #expect("\(CSVDataError.unknownClass(path: "t.csv", row: 3, column: "species", label: "rose", trainingPath: "x.csv"))"
                == "t.csv: row 3, column 'species': class 'rose' is not in the training file x.csv")
        #expect(throws: CSVDataError.unknownClass(path: unknownURL.path, row: 3, column: "species", label: "rose",
                                                  trainingPath: training.source)) { try unknown.labels(matching: training) }
        // Names against a model of integer classes, integers beyond its outputs.
        #expect(throws: CSVDataError.self) { try unknown.labels(matchingModel: "m", classNames: nil, classCount: 3) }
        let integers = try CSVTable(contentsOf: try write("a,b,label\n0,0,1\n0,0,3\n", to: "ints.csv"), labelColumn: "label")
        #expect(try integers.labels(matchingModel: "m", classNames: nil, classCount: 4) == [1, 3])
        #expect(throws: CSVDataError.notAModelClass(path: integers.source, row: 3, column: "label", label: "3", model: "m")) {
            try integers.labels(matchingModel: "m", classNames: nil, classCount: 3)
        }
        // A names entry that does not fit the outputs is malformed metadata.
        #expect(throws: ModelFileError.self) {
            try CSVTable.classNames(recordedIn: training.classNamesMetadata, model: "m", classCount: 4)
        }
    }

    @Test("a pandas-written CSV: unnamed index column ignored, float labels, CRLF line ends")
    func pandasFile() throws {
        let url = try write(",x,y,label\r\n0,0.5,1.5,1.0\r\n1,2.5,-1,0.0\r\n2,3,4,1.0\r\n")
        let table = try CSVTable(contentsOf: url, labelColumn: "label")
        #expect(table.ignoredIndexColumn == 1)
        #expect(table.featureColumns == ["x", "y"])
        #expect(table.features.shape == [3, 2] && table.features.scalars == [0.5, 1.5, 2.5, -1, 3, 4])
        #expect(table.labels == [1, 0, 1] && table.classNames == nil)
        #expect(try table.trainingClassCount() == 2)

        // An unnamed column that is not 0, 1, 2, ... stays a feature.
        let other = try CSVTable(contentsOf: try write("x,,label\n7,0,1\n8,2,0\n", to: "other.csv"), labelColumn: "label")
        #expect(other.ignoredIndexColumn == nil && other.featureColumns == ["x", ""])
        #expect(other.features.scalars == [7, 0, 8, 2])
    }

    @Test("fields separated by ';' or a tab read the same as by ','")
    func delimiters() throws {
        let comma = try CSVTable(contentsOf: try write(Self.irisLike(rows: 6, seed: 4), to: "c.csv"), labelColumn: "species")
        for (separator, scalar) in [(";", ";" as Unicode.Scalar), ("\t", "\t")] {
            let url = try write(Self.irisLike(rows: 6, seed: 4, separator: separator, lineEnd: "\r\n"), to: "d.csv")
            let table = try CSVTable(contentsOf: url, labelColumn: "species", delimiter: scalar)
            #expect(table.featureColumns == ["a", "b"])
            #expect(table.features.scalars == comma.features.scalars && table.labels == comma.labels)
            #expect(table.classNames == comma.classNames)
        }
        // A decimal comma inside ';'-separated fields is not a number.
        let decimalComma = try write("a;label\n1,5;0\n", to: "e.csv")
        #expect(throws: CSVDataError.notANumber(path: decimalComma.path, row: 2, column: "a", value: "1,5")) {
            try CSVTable(contentsOf: decimalComma, labelColumn: "label", delimiter: ";")
        }
    }

    @Test("--ignore-column and --feature-columns choose the features; unknown names list a few and a count")
    func columnSelection() throws {
        let url = try write("id,a,b,c,label\n9,1,2,3,0\n8,4,5,6,1\n")
        let ignoring = try CSVTable(contentsOf: url, labelColumn: "label", columns: .ignoring(["id"]))
        #expect(ignoring.featureColumns == ["a", "b", "c"] && ignoring.features.scalars == [1, 2, 3, 4, 5, 6])
        let only = try CSVTable(contentsOf: url, labelColumn: "label", columns: .only(["c", "a"]))
        #expect(only.featureColumns == ["c", "a"] && only.features.scalars == [3, 1, 6, 4])
        #expect(throws: CSVDataError.labelColumnSelected(path: url.path, column: "label")) {
            try CSVTable(contentsOf: url, labelColumn: "label", columns: .only(["a", "label"]))
        }
        let wide = try write((0..<40).map { "c\($0)" }.joined(separator: ",") + ",label\n" + String(repeating: "1,", count: 40)
                             + "0\n", to: "wide.csv")
        let error = #expect(throws: CSVDataError.self) {
            try CSVTable(contentsOf: wide, labelColumn: "label", columns: .ignoring(["c1", "nope"]))
        }
        #expect(error.map { "\($0)" } == "\(wide.path): row 1: no column named 'nope' (the header has: c0, c1, c2, c3, c4 and 36 more)")
    }

    @Test("more distinct labels than a tenth of the rows is refused unless the class count is given")
    func manyLabels() throws {
        // 60 rows, 15 distinct integer labels: a real-valued target, by the rule.
        let url = try write("x,y\n" + (0..<60).map { "\($0),\($0 % 15)" }.joined(separator: "\n") + "\n")
        let table = try CSVTable(contentsOf: url, labelColumn: "y")
        #expect(throws: CSVDataError.manyLabels(path: url.path, column: "y", distinctCount: 15, rowCount: 60)) {
            try table.trainingClassCount()
        }
        #expect("\(CSVDataError.manyLabels(path: "d.csv", column: "y", distinctCount: 15, rowCount: 60))"
                .contains("--target-column"))
        #expect(try table.trainingClassCount(classes: 15) == 15)
        #expect(try table.trainingClassCount(classes: 20) == 20)
        #expect(try table.trainingClassCount(classes: 60) == 60)
        #expect(throws: CSVDataError.classesBeyondRows(path: url.path, column: "y", classes: 61, rowCount: 60)) {
            try table.trainingClassCount(classes: 61)
        }
        #expect(throws: CSVDataError.classesDiffer(path: url.path, column: "y", distinctCount: 15, classes: 10, largest: 14)) {
            try table.trainingClassCount(classes: 10)
        }
        let names = try CSVTable(contentsOf: try write("x,y\n1,a\n2,b\n", to: "n.csv"), labelColumn: "y")
        #expect(throws: CSVDataError.self) { try names.trainingClassCount(classes: 3) }
        #expect(try names.trainingClassCount(classes: 2) == 2)
        // Ten classes in 40 rows are few enough to need nothing.
        let ten = try CSVTable(contentsOf: try write("x,y\n" + (0..<40).map { "\($0),\($0 % 10)" }.joined(separator: "\n"),
                                                     to: "ten.csv"), labelColumn: "y")
        #expect(try ten.trainingClassCount() == 10)
    }

    @Test("a bad second row is refused without reading the rest of a large file")
    func badSecondRowStopsEarly() throws {
        let row = "1.25,2.5,0\n"
        let text = "a,b,label\n1,2\n" + String(repeating: row, count: 3_000_000)  // 33 MB
        let url = try write(text, to: "big.csv")
        let start = ContinuousClock.now
        #expect(throws: CSVDataError.raggedRow(path: url.path, row: 2, fieldCount: 2, expected: 3)) {
            try CSVTable(contentsOf: url, labelColumn: "label")
        }
        // Reading all 33 MB takes several seconds in a debug build; the first chunk, a few milliseconds.
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test("the values read and the text held stop at the memory limit, plain or a gzip bomb of one endless line")
    func memoryLimit() throws {
        let limit = (bytes: 4 << 20, memory: "a test limit")
        // 500,000 rows of 2 values and a label: 6 MB of values, more than 4 MB.
        let rows = try write("a,b,label\n" + String(repeating: "1,2,0\n", count: 500_000), to: "rows.csv")
        #expect(throws: DataError.exceedsMemory(path: rows.path, limit: 4 << 20, memory: "a test limit")) {
            try CSVTable(contentsOf: rows, labelColumn: "label", limit: limit)
        }
        #expect(try CSVTable(contentsOf: rows, labelColumn: "label", limit: (bytes: 16 << 20, memory: "x")).features.rows
                == 500_000)
        // A header, then 8 MB of zero bytes that never end a row (stored in the gzip, not deflated:
        // the reader inflates either way, and stops at the limit).
        let bomb = try directory.write(StoredGzip.member(Array("a,label\n".utf8) + [UInt8](repeating: 0, count: 8 << 20)),
                                       to: "bomb.csv.gz")
        #expect(throws: DataError.exceedsMemory(path: bomb.path, limit: 4 << 20, memory: "a test limit")) {
            try CSVTable(contentsOf: bomb, labelColumn: "label", limit: limit)
        }
    }
}
