import Foundation
import Testing
import TestSupport

@Suite("backprop experiment")
struct ExperimentCommandTests {
    @Test("optimizer-paths --json --svg DIR: four JSON lines with the book's points, the figure in DIR/optimizer-paths.svg")
    func optimizerPaths() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["experiment", "optimizer-paths", "--json", "--svg", "figures"],
                                             in: scratch.url)
        #expect(run.exited && run.status == 0, "\(run)")
        let objects = try run.outputLines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        #expect(objects.map { $0["setting"] as? String } == ["sgd", "momentum", "adagrad", "adam"])
        for object in objects {
            #expect(Set(object.keys) == ["experiment", "setting", "points"])
            #expect(object["experiment"] as? String == "optimizer-paths")
            let points = try #require(object["points"] as? [[Double]])
            #expect(points.count == 30 && points[0] == [-7, 2])
        }
        // SGD 0.95 on ∇f = (x/10, 2y): (-7 + 0.95·0.7, 2 − 0.95·4).
        let sgd = try #require(objects[0]["points"] as? [[Double]])
        #expect(abs(sgd[1][0] - -6.335) < 1e-12 && abs(sgd[1][1] - -1.8) < 1e-12)
        // The text (header, one line per path, the file written) goes to stderr under --json.
        #expect(run.errorLines.contains { $0.hasPrefix("SGD: 30 points, ends at (-0.3872, -0.0942)") }, "\(run)")
        #expect(run.errorLines.last?.hasSuffix("figures/optimizer-paths.svg") == true, "\(run)")
        #expect(try scratch.listing() == ["figures", "figures/optimizer-paths.svg"])
        let figure = scratch.url.appendingPathComponent("figures/optimizer-paths.svg")
        #expect(try XMLRoot.name(of: figure) == "svg")
        let svg = try String(contentsOf: figure, encoding: .utf8)
        #expect(svg.components(separatedBy: "<g class=\"panel\">").count - 1 == 4)
        for name in ["sgd", "momentum", "adagrad", "adam"] {
            #expect(svg.contains("<g class=\"line \(name)\">"))
        }
    }

    @Test("Without --json: the paths as text on stdout, nothing on stderr, no file")
    func text() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["experiment", "optimizer-paths"], in: scratch.url)
        expectSuccess(run)
        #expect(run.outputLines.first == "optimizer-paths: the book's ch06/optimizer_compare_naive.py, seed 0")
        #expect(run.outputLines.filter { $0.contains(": 30 points, ends at") }.count == 4, "\(run)")
        #expect(try scratch.listing() == [])
    }

    @Test("weight-decay --epochs 2 --json on a small MNIST: one line per run with both accuracies")
    func weightDecayJSON() throws {
        let directories = try RunDirectories(trainCount: 100, testCount: 50)
        let run = try BackpropExecutable.run(["experiment", "weight-decay", "--epochs", "2", "--json",
                                              "--data", directories.data.url.path], in: directories.scratch.url)
        #expect(run.exited && run.status == 0, "\(run)")
        let objects = try run.outputLines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        #expect(objects.map { $0["setting"] as? String } == ["plain", "weight-decay"])
        for object in objects {
            #expect(Set(object.keys) == ["experiment", "setting", "train_accuracy", "test_accuracy"])
            #expect(object["experiment"] as? String == "weight-decay")
            for key in ["train_accuracy", "test_accuracy"] {
                let accuracy = try #require(object[key] as? Double)
                #expect((0...1).contains(accuracy))
            }
        }
        #expect(run.errorLines.contains { $0.hasPrefix("plain epoch:1, train acc:") }, "\(run)")
    }

    @Test("An unknown experiment, an option it does not take, or --data without data: one line, exit 1")
    func badArguments() throws {
        let scratch = try TemporaryDirectory()
        let unknown = try BackpropExecutable.run(["experiment", "nonsense"], in: scratch.url)
        expectOneLineError(unknown, mentioning: ["nonsense"])
        let epochs = try BackpropExecutable.run(["experiment", "optimizer-paths", "--epochs", "3"], in: scratch.url)
        expectOneLineError(epochs, mentioning: ["--epochs", "optimizer-paths"])
        let zero = try BackpropExecutable.run(["experiment", "batch-norm", "--scales", "0"], in: scratch.url)
        expectOneLineError(zero, mentioning: ["--scales", "positive"])
        let data = try BackpropExecutable.run(["experiment", "optimizer-paths", "--data", "x"], in: scratch.url)
        expectOneLineError(data, mentioning: ["--data", "no data"])
        #expect(try scratch.listing() == [])
    }

    @Test("--svg naming a file or a directory under a missing parent: one line, nothing written, before any work")
    func badSVGDirectory() throws {
        // optimizers would train for a minute: the check comes first.
        try SVGDirectoryChecks.expectFileAndMissingParentRefused(["experiment", "optimizers"])
    }

    @Test("--svg into a directory without write permission: one line naming the file, checked before the run",
          .enabled(if: geteuid() != 0, "root may write into any directory"))
    func unwritableSVGDirectory() throws {
        try SVGDirectoryChecks.expectUnwritableRefused(["experiment", "optimizer-paths"],
                                                       mentioning: ["locked/optimizer-paths.svg", "nothing was written"])
    }
}

#if os(Linux)
extension ExperimentCommandTests {
    @Test("--svg into a directory no one may write (Linux's /proc/self, even as root): one line before any work")
    func procSVGDirectory() throws {
        let scratch = try TemporaryDirectory()
        let run = try BackpropExecutable.run(["experiment", "optimizers", "--svg", "/proc/self"], in: scratch.url)
        expectOneLineError(run, mentioning: ["/proc/self/optimizers.svg", "nothing was written"])
        #expect(run.standardOutput.isEmpty)
        #expect(try scratch.listing() == [])
    }
}
#endif
