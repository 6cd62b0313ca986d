import Backprop
import Foundation
import Testing
import TestSupport

/// Data sets from a user's arrays and CSV files: every problem thrown with the sample, or the
/// file, row and column, instead of stopping the program.
@Suite("Datasets from arrays and CSV files")
struct DatasetArraysTests {
    @Test("Rows and flat features with any integer labels give the same data set")
    func arrays() throws {
        let rows: [[Float]] = [[0, 1], [2, 3], [4, 5]]
        let fromRows = try Dataset(features: rows, labels: [UInt8(2), 0, 1])
        let fromFlat = try Dataset(features: [0, 1, 2, 3, 4, 5], featureCount: 2, labels: [Int64(2), 0, 1], classCount: 5)
        #expect(fromRows.inputs.scalars == [0, 1, 2, 3, 4, 5] && fromRows.inputs.shape == [3, 2])
        #expect(fromRows.labels == [2, 0, 1] && fromFlat.labels == [2, 0, 1])
        #expect(fromRows.classCount == 3 && fromFlat.classCount == 5)
    }

    @Test("Arrays that do not make a data set are refused, naming the sample", arguments: [
        (DatasetError.raggedSample(index: 2, featureCount: 1, expected: 2), "sample 2 has 1 features, sample 0 has 2"),
        (.countMismatch(samples: 3, labels: 2), "there are 3 samples but 2 labels"),
        (.nonFiniteFeature(sample: 1, feature: 0, value: .nan), "sample 1, feature 0 is nan; features must be finite numbers"),
        (.labelOutOfRange(sample: 1, label: "-1", classCount: 3), "sample 1 has label -1, outside 0...2"),
        (.labelOutOfRange(sample: 0, label: "3", classCount: 3), "sample 0 has label 3, outside 0...2"),
        (.incompleteSample(valueCount: 5, featureCount: 2), "5 feature values are not a whole number of samples of 2 features"),
        (.empty, "the data set is empty: it needs at least one sample with at least one feature"),
    ])
    func refused(expected: DatasetError, message: String) {
        let error = #expect(throws: DatasetError.self) {
            switch expected {
            case .raggedSample: _ = try Dataset(features: [[0, 1], [2, 3], [4]], labels: [0, 1, 2])
            case .countMismatch: _ = try Dataset(features: [[0], [1], [2]], labels: [0, 1])
            case .nonFiniteFeature: _ = try Dataset(features: [[0], [.nan]], labels: [0, 1])
            case .labelOutOfRange(let sample, _, _) where sample == 1:
                _ = try Dataset(features: [[0], [1]], labels: [Int8(0), -1], classCount: 3)
            case .labelOutOfRange: _ = try Dataset(features: [[0]], labels: [UInt64(3)], classCount: 3)
            case .incompleteSample: _ = try Dataset(features: [0, 1, 2, 3, 4], featureCount: 2, labels: [0, 1])
            case .empty: _ = try Dataset(features: [[Float]](), labels: [Int]())
            }
        }
        if case .nonFiniteFeature = expected {
            #expect(error?.description == message)
        } else {
            #expect(error == expected)
            #expect(error?.description == message)
        }
    }

    @Test("A label too large for Int32 is refused, not truncated")
    func hugeLabel() {
        let error = #expect(throws: DatasetError.self) { try Dataset(features: [[0], [1]], labels: [UInt64(1), UInt64(1) << 32]) }
        #expect(error == .labelOutOfRange(sample: 1, label: "4294967296", classCount: Int(Int32.max)))
    }

    @Test("A split is seeded, disjoint, complete and rounds the test part")
    func split() throws {
        let data = try Dataset(features: (0..<10).map { [Float($0)] }, labels: (0..<10).map { $0 % 2 })
        let (train, test) = try #require(data.split(testFraction: 0.25, seed: 3))
        #expect(train.count == 7 && test.count == 3)
        #expect(Set(train.inputs.scalars + test.inputs.scalars) == Set((0..<10).map(Float.init)))
        #expect(train.labels == train.inputs.scalars.map { Int32($0) % 2 })
        let again = try #require(data.split(testFraction: 0.25, seed: 3))
        #expect(again.test.inputs.scalars == test.inputs.scalars)
        #expect(data.split(testFraction: 0.25, seed: 4)?.test.inputs.scalars != test.inputs.scalars)
        #expect(data.split(testFraction: 1, seed: 3) == nil && data.prefix(1).split(testFraction: 0.5, seed: 3) == nil)
    }

    @Test("Standardization gives mean 0 and deviation 1 per feature and survives model metadata exactly")
    func standardization() throws {
        let inputs = Tensor<Float>([[1, 10, 5], [3, 30, 5], [5, 20, 5]])
        let standardization = Standardization(fitting: inputs)
        #expect(standardization.mean == [3, 20, 5])
        #expect(standardization.standardDeviation[2] == 1)   // a constant feature is only centred
        let result = standardization.apply(to: inputs)
        for column in 0..<2 {
            let values = (0..<3).map { Double(result[$0, column]) }
            #expect(abs(values.reduce(0, +)) < 1e-6)
            #expect(abs(values.map { $0 * $0 }.reduce(0, +) / 3 - 1) < 1e-6)
        }
        let restored = try Standardization(metadata: standardization.metadata.merging(["other": "x"]) { $1 },
                                           featureCount: 3, source: "m")
        #expect(restored == standardization)
        #expect(try Standardization(metadata: [:], featureCount: 3, source: "m") == nil)
        #expect(throws: ModelFileError.invalidMetadata(path: "m", key: "input_std", value: "1,0,1")) {
            try Standardization(metadata: ["input_mean": "1,2,3", "input_std": "1,0,1"], featureCount: 3, source: "m")
        }
    }

    // MARK: CSV

    @Test("A CSV file with quotes, CRLF line ends and a trailing blank line reads as a data set")
    func csv() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(Array("\"x, first\",label,y\r\n1.5,1,-2\r\n\"3\",0,4e1\r\n\r\n".utf8), to: "data.csv")
        let table = try CSVTable(contentsOf: url, labelColumn: "label")
        #expect(table.featureColumns == ["x, first", "y"])
        #expect(table.features.shape == [2, 2] && table.features.scalars == [1.5, -2, 3, 40])
        #expect(table.labels == [1, 0])
        let data = try Dataset(csv: url, labelColumn: "label")
        #expect(data.classCount == 2 && data.featureCount == 2 && data.labels == [1, 0])
        let unlabelled = try CSVTable(contentsOf: url, labelColumn: nil)
        #expect(unlabelled.labels == nil && unlabelled.features.shape == [2, 3])

        // The feature columns survive model metadata, commas in names included.
        let recorded = table.featureColumnsMetadata
        try table.requireFeatureColumns(recordedIn: recorded, model: "m")
        try table.requireFeatureColumns(recordedIn: [:], model: "m")
        #expect(throws: CSVDataError.columnsDiffer(path: url.path, expected: ["x, first", "y"], found: ["x, first", "label", "y"])) {
            try unlabelled.requireFeatureColumns(recordedIn: recorded, model: "m")
        }

        // A byte order mark (as spreadsheets write) is not part of the first column's name.
        let marked = try directory.write([0xEF, 0xBB, 0xBF] + Array("label,x\n1,2\n".utf8), to: "bom.csv")
        #expect(try Dataset(csv: marked, labelColumn: "label").labels == [1])
    }

    @Test("A CSV data set trains through the API: read, split, standardize, train, predict")
    func csvTrains() throws {
        let directory = try TemporaryDirectory()
        let blobs = blobsDataset(count: 240, features: 5, classes: 4, seed: 70)
        var text = "f0,f1,class,f2,f3,f4\n"
        for row in 0..<blobs.count {
            var fields = (0..<5).map { String(blobs.inputs[row, $0] * ($0 == 2 ? 1000 : 1)) }
            fields.insert(String(blobs.labels[row]), at: 2)
            text += fields.joined(separator: ",") + "\n"
        }
        let url = try directory.write(Array(text.utf8), to: "blobs.csv")
        let data = try Dataset(csv: url, labelColumn: "class")
        #expect(data.count == 240 && data.featureCount == 5 && data.classCount == 4)
        var (train, test) = try #require(data.split(testFraction: 0.25, seed: 1))
        let standardization = Standardization(fitting: train.inputs)
        (train.inputs, test.inputs) = (standardization.apply(to: train.inputs), standardization.apply(to: test.inputs))
        let network = MultiLayerNet(inputSize: 5, hiddenSizes: [10], outputSize: 4, backend: FastBackend(), seed: 2)
        let history = try Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: train, testSet: test,
                                  configuration: TrainingConfiguration(iterations: 200, batchSize: 20, seed: 3)).train()
        #expect((history.epochs.last?.testAccuracy ?? 0) > 0.95, "\(history.epochs.map(\.testAccuracy))")
        let classes = network.classify(test.inputs)
        #expect(Double(zip(classes, test.labels).filter { $0 == Int($1) }.count) / Double(test.count)
                == network.accuracy(test.inputs, labels: test.labels))
    }

    @Test("Malformed CSV is refused naming the file, the row and the column", arguments: [
        ("a,b,label\n1,2,0\n3,4\n", "row 3: 2 fields, but the header has 3 columns"),
        ("a,b,label\n1,2,0\n3,x4,1\n", "row 3, column 'b': 'x4' is not a finite number"),
        ("a,b,label\n1,nan,0\n", "row 2, column 'b': 'nan' is not a finite number"),
        ("a,b,label\n1,2,0\n3,4,\n", "row 3, column 'label': label '' is not a class: it is empty or holds a control character"),
        ("a,b,label\n1,2,-1\r\n3,4,\"x\ny\"\n", #"row 3, column 'label': label 'x\ny' is not a class: it is empty or holds a control character"#),
        ("a,b,class\n1,2,0\n", "row 1: no column named 'label' (the header has: a, b, class)"),
        ("a,b,label\n", "row 2: no data rows after the header"),
        ("a,a,label\n1,2,0\n", "row 1: column 'a' appears more than once"),
        ("label\n1\n", "row 1: no feature columns besides the label column 'label'"),
        ("", "file is empty"),
    ])
    func malformedCSV(contents: String, message: String) throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(Array(contents.utf8), to: "data.csv")
        let error = #expect(throws: (any Error).self) { try Dataset(csv: url, labelColumn: "label") }
        #expect(error.map { "\($0)" } == "\(url.path): \(message)", "\(String(describing: error))")
    }
}
