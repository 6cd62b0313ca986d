import Backprop
import Foundation
import Testing
import TestSupport

/// The defaults `train` picks for the data it is given: on a CSV file epochs, small batches and
/// He weights; Adam's own learning rate; He weights for deeper networks; a seeded validation
/// split; and an epoch loss that is the mean of the epoch's steps. The book's MNIST run keeps
/// its settings (its weights are pinned by the digest test).
@Suite("backprop train: defaults that fit the data")
struct DataDefaultsTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 100, testCount: 20) }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    func csvFile(rows: Int, sortedByClass: Bool = false, name: String = "d.csv") throws -> String {
        var lines = CSVTrainingTests.csv(rows: rows, seed: 7).split(separator: "\n").map(String.init)
        if sortedByClass {
            let header = lines.removeFirst()
            // The label is the third column.
            lines = [header] + lines.enumerated().sorted { ($0.element.split(separator: ",")[2], $0.offset)
                < ($1.element.split(separator: ",")[2], $1.offset) }.map(\.element)
        }
        return try scratch.writeFile(Array((lines.joined(separator: "\n") + "\n").utf8), to: name)
    }

    func jsonObjects(_ run: BackpropExecutable.Run) throws -> [[String: Any]] {
        try run.outputLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    /// The rows of the epoch table in `text`: the lines that start with an epoch number.
    func tableRows(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.first == " " && $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true }
    }

    @Test("A CSV run without length, batch or initialization options: 100 epochs of min(32, rows), He weights, a table of at most 51 rows")
    func csvDefaults() throws {
        // 60 rows, a fifth held out for testing: 48 training rows, two batches (32 and 16) per epoch.
        let file = try csvFile(rows: 60)
        let training = try run(["train", "--csv", file, "--label-column", "label", "--standardize", "--hidden", "8", "--json"])
        #expect(training.exited && training.status == 0, "\(training)")
        let header = training.standardError
        #expect(header.contains("network 4-8-3 relu, He weights, sgd lr 0.1, batch 32, "
                                + "100 epochs shuffled (2 iterations each)"), "\(training)")
        let objects = try jsonObjects(training)
        // Every epoch in the JSON lines, then the summary.
        #expect(objects.count == 101, "\(training)")
        #expect(objects.dropLast().map { $0["epoch"] as? Int } == (1...100).map { $0 })
        #expect(objects.last?["iterations"] as? Int == 200)
        #expect((objects.last?["test_accuracy"] as? Double ?? 0) > 0.9, "\(training)")
        // The table thinned to every 2nd epoch, with the first: 1, 2, 4, …, 100.
        let rows = tableRows(header)
        #expect(rows.count == 51, "\(rows)")
        #expect(rows.map { Int($0.split(separator: " ")[0])! } == [1] + stride(from: 2, through: 100, by: 2).map { $0 })

        // Fewer training rows than 32: the batch is all of them.
        let small = try csvFile(rows: 20, name: "small.csv")
        let smallRun = try run(["train", "--csv", small, "--label-column", "label", "--hidden", "4", "--epochs", "1"])
        #expect(smallRun.status == 0, "\(smallRun)")
        #expect(smallRun.standardOutput.contains("batch 16, 1 epoch shuffled (1 iterations each)"), "\(smallRun)")
        // A batch larger than the table is refused in rows, not MNIST's images.
        expectOneLineError(try run(["train", "--csv", file, "--label-column", "label", "--batch-size", "100"]),
                           mentioning: ["--batch-size 100 is larger than the 48 training rows"])
        // --batch-size, --iterations and --weight-init still rule.
        let explicit = try run(["train", "--csv", file, "--label-column", "label", "--hidden", "4", "--iterations", "3",
                                "--batch-size", "5", "--weight-init", "std"])
        #expect(explicit.standardOutput.contains("network 4-4-3 relu, weights std 0.01, sgd lr 0.1, batch 5, "
                                                 + "3 iterations (9 per epoch)"), "\(explicit)")
    }

    @Test("Without --learning-rate each optimizer takes its usual rate: sgd 0.1, momentum 0.01, adam 0.001",
          arguments: [("sgd", "0.1"), ("momentum", "0.01"), ("adam", "0.001")])
    func optimizerRates(_ optimizer: String, _ rate: String) throws {
        let file = try csvFile(rows: 30)
        let training = try run(["train", "--csv", file, "--label-column", "label", "--hidden", "4", "--epochs", "1",
                                "--optimizer", optimizer])
        #expect(training.status == 0, "\(training)")
        #expect(training.standardOutput.contains(", \(optimizer) lr \(rate), batch 24,"), "\(training)")
    }

    @Test("On MNIST one hidden layer keeps the book's std 0.01 and batch 100; two get He weights unless told otherwise",
          arguments: [(["--hidden", "20"], "weights std 0.01"), (["--hidden", "20", "20"], "He weights"),
                      (["--layers", "affine:20,relu,affine:20,relu,affine:10"], "He weights"),
                      (["--hidden", "20", "20", "--weight-std", "0.05"], "weights std 0.05"),
                      (["--hidden", "20", "20", "--weight-init", "xavier"], "Xavier weights")])
    func mnistInitialization(_ options: [String], _ expected: String) throws {
        let training = try run(["train", "--data", data.url.path, "--iterations", "1"] + options)
        #expect(training.status == 0, "\(training)")
        #expect(training.standardOutput.contains(" relu, \(expected), sgd lr 0.1, batch 100, 1 iterations (1 per epoch)"),
                "\(training)")
    }

    @Test("--validation-fraction draws its rows with the seed: a class-sorted file validates on every class, unlike --validation-split last")
    func shuffledValidation() throws {
        // 150 rows sorted by class, tested on another file: the last third is all class 2.
        let file = try csvFile(rows: 150, sortedByClass: true)
        let test = try csvFile(rows: 30, name: "test.csv")
        let common = ["train", "--csv", file, "--test-csv", test, "--label-column", "label", "--hidden", "8",
                      "--epochs", "20", "--validation-fraction", "0.3334", "--standardize", "--json"]
        let shuffled = try run(common)
        #expect(shuffled.status == 0, "\(shuffled)")
        #expect(shuffled.standardError.contains("50 seeded training samples held out for validation"), "\(shuffled)")
        let shuffledSummary = try #require(try jsonObjects(shuffled).last)
        #expect((shuffledSummary["validation_accuracy"] as? Double ?? 0) > 0.9, "\(shuffled)")

        let last = try run(common + ["--validation-split", "last"])
        #expect(last.standardError.contains("the last 50 training samples held out for validation"), "\(last)")
        // Trained without class 2 and validated on class 2 alone.
        let lastSummary = try #require(try jsonObjects(last).last)
        #expect((lastSummary["validation_accuracy"] as? Double ?? 1) < 0.1, "\(last)")

        expectOneLineError(try run(["train", "--csv", file, "--label-column", "label", "--validation-split", "last"]),
                           mentioning: ["--validation-split last needs --validation-fraction"])
    }

    @Test("Each epoch's loss in the JSON lines is the mean of its steps' losses in curves.csv")
    func epochLossIsTheMean() throws {
        let file = try csvFile(rows: 60)
        let training = try run(["train", "--csv", file, "--label-column", "label", "--hidden", "8", "--epochs", "3",
                                "--batch-size", "10", "--standardize", "--curves", "c", "--json"])
        #expect(training.status == 0, "\(training)")
        let epochs = try jsonObjects(training).dropLast()
        let lines = try String(contentsOfFile: scratch.filePath("c/curves.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let losses = lines.map { Double($0.split(separator: ",")[1])! }
        // 48 training rows in batches of 10: 5 steps per epoch.
        #expect(losses.count == 15 && epochs.count == 3)
        for (index, epoch) in epochs.enumerated() {
            let steps = losses[(index * 5)..<(index * 5 + 5)]
            let mean = steps.reduce(0, +) / 5
            // Equal up to the last bit or two that Foundation's JSON parser may round differently.
            let loss = try #require(epoch["loss"] as? Double)
            #expect(abs(loss - mean) <= 1e-14 * mean, "\(epoch) against \(Array(steps))")
            #expect(epoch["loss"] as? Double != steps.last, "\(epoch)")
        }
        let help = try BackpropExecutable.run(["train", "--help"], in: scratch.url).standardOutput
        #expect(help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .contains("loss is the epoch's mean training loss (the mean of the minibatch losses"), "\(help)")
    }
}
