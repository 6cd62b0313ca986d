import Backprop
import Foundation
import Testing
import TestSupport

/// Issue 22: cells read as numbers they are not, labels checked against the data, and
/// headers and messages of any size handled in bounded time and length.
@Suite("CSV: strict cells, labels checked against the data, bounded messages")
struct CSVLimitsTests {
    func table(_ contents: String, labelColumn: String? = "label") throws -> (CSVTable, URL) {
        let directory = try TemporaryDirectory()
        let url = try directory.write(Array(contents.utf8), to: "data.csv")
        return (try CSVTable(contentsOf: url, labelColumn: labelColumn), url)
    }

    func message(_ contents: String) throws -> String {
        let directory = try TemporaryDirectory()
        let url = try directory.write(Array(contents.utf8), to: "data.csv")
        let error = #expect(throws: (any Error).self) { try Dataset(csv: url, labelColumn: "label") }
        return error.map { "\($0)".replacingOccurrences(of: url.path + ": ", with: "") } ?? ""
    }

    @Test("a NUL byte or a hexadecimal float in a numeric cell is refused, naming row and column", arguments: [
        ("a,b,label\n1,2,0\n3,2\u{0}abc,1\n", #"row 3, column 'b': '2\0abc' is not a finite number"#),
        ("a,b,label\n1,0x10,0\n", "row 2, column 'b': '0x10' is not a finite number"),
        ("a,b,label\n1,0x1p4,0\n", "row 2, column 'b': '0x1p4' is not a finite number"),
        ("a,b,label\n1,2,0\u{0}\n", #"row 2, column 'label': label '0\0' is not a class: it is empty or holds a control character"#),
    ])
    func strictCells(_ contents: String, _ expected: String) throws {
        #expect(try message(contents) == expected)
    }

    @Test("decimal spellings stay numbers")
    func decimalCells() throws {
        let (table, _) = try table("a,b,label\n-1.5e2,+.5,0\n1E-3,7.,1\n")
        #expect(table.features.scalars == [-150, 0.5, 0.001, 7])
    }

    @Test("a training file's labels: a label far beyond the distinct classes, or one class only, is refused")
    func trainingLabels() throws {
        let (sparse, url) = try table("a,label\n1,0\n2,1\n3,2147483647\n")
        #expect(throws: CSVDataError.sparseLabels(path: url.path, row: 4, column: "label", label: 2_147_483_647,
                                                  distinctCount: 3)) { try sparse.trainingClassCount() }
        #expect("\(CSVDataError.sparseLabels(path: "f.csv", row: 4, column: "label", label: 2_147_483_647, distinctCount: 3))"
                .hasPrefix("f.csv: row 4, column 'label': label 2147483647 would make 2147483648 classes, "
                           + "but the column holds 3 distinct labels"))
        let (single, singleURL) = try table("a,label\n1,3\n2,3\n")
        #expect(throws: CSVDataError.oneClass(path: singleURL.path, column: "label", label: "3")) {
            try single.trainingClassCount()
        }
        // Classes with gaps are fine while at least half of the indices are used.
        #expect(try table("a,label\n1,0\n2,3\n3,1\n").0.trainingClassCount() == 4)
        #expect(throws: CSVDataError.self) { try table("a,label\n1,0\n2,6\n3,1\n").0.trainingClassCount() }
    }

    @Test("a test file with a class the training file lacks is refused, naming its row")
    func unknownTestClass() throws {
        let (training, trainingURL) = try table("a,label\n1,0\n2,1\n")
        let (test, testURL) = try table("a,label\n1,1\n2,0\n5,2\n")
        #expect(throws: CSVDataError.unknownClass(path: testURL.path, row: 4, column: "label", label: "2",
                                                  trainingPath: trainingURL.path)) { try test.requireClasses(of: training) }
        try training.requireClasses(of: training)
    }

    @Test("a header of 200,000 columns is checked for repeats in linear time")
    func wideHeader() throws {
        let names = (0..<200_000).map { "c\($0)" }
        let start = ContinuousClock.now
        let repeated = try message((names + ["c199999", "label"]).joined(separator: ",") + "\n")
        #expect(repeated == "row 1: column 'c199999' appears more than once")
        // Quadratic, this took 42 s; linear, well under one (a debug build on a loaded machine included).
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("messages quote at most 80 characters of a cell and a few names of a header")
    func boundedMessages() throws {
        let cell = String(repeating: "z", count: 50_000)
        let bad = try message("a,label\n\(cell),0\n")
        #expect(bad == "row 2, column 'a': '\(String(repeating: "z", count: 80))…' is not a finite number")
        let names = (0..<25_000).map { "c\($0)" }
        let missing = try message(names.joined(separator: ",") + "\n1\n")
        #expect(missing == "row 1: no column named 'label' (the header has: c0, c1, c2, c3, c4 and 24995 more)")
        let differ = CSVDataError.columnsDiffer(path: "t.csv", expected: names, found: names.dropLast() + ["other"])
        #expect("\(differ)".count < 400, "\(differ)")
        #expect("\(differ)".hasSuffix("(column 25000 is 'other', expected 'c24999')"))
    }
}
