import Backprop
import Foundation
import Testing
import TestSupport

/// What a replaced model keeps (its mode and owner), what an interrupted run leaves (nothing),
/// and two runs writing the same outputs at once (both succeed, each file whole).
@Suite("backprop's files under signals and concurrent runs")
struct SignalAndConcurrencyTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 60, testCount: 20) }

    /// The temporary save files (`.NAME.<UUID>.partial`) below the scratch directory.
    func partials() throws -> [String] {
        try scratch.listing().filter { $0.hasSuffix(".partial") }
    }

    func status(_ path: URL) throws -> stat {
        var status = stat()
        try #require(stat(path.path, &status) == 0)
        return status
    }

    func smallModel(at url: URL) throws {
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: url)
    }

    @Test("Replacing a model keeps its mode (0600 stays private) and owner; a new file gets the umask's mode")
    func modeAndOwner() throws {
        let model = scratch.path("m.safetensors")
        try smallModel(at: model)
        chmod(model.path, 0o600)
        let isRoot = geteuid() == 0
        if isRoot { chown(model.path, 1234, 1234) }
        let train = ["train", "--iterations", "2", "--batch-size", "10", "--hidden", "3", "--data", data.url.path, "--force"]
        expectSuccess(try BackpropExecutable.run(train + ["--save", model.path], in: scratch.url, shellSetup: "exec >/dev/null"))
        let replaced = try status(model)
        #expect(replaced.st_mode & 0o7777 == 0o600)
        if isRoot { #expect(replaced.st_uid == 1234 && replaced.st_gid == 1234) }
        #expect(try ModelFile.load(from: model, backend: ReferenceBackend<Float>()).sizes == [784, 3, 10])

        for (mask, mode) in [("077", mode_t(0o600)), ("027", 0o640), ("022", 0o644)] {
            let fresh = scratch.path("new-\(mask).safetensors")
            expectSuccess(try BackpropExecutable.run(train + ["--save", fresh.path], in: scratch.url,
                                                     shellSetup: "umask \(mask) && exec >/dev/null"))
            #expect(try status(fresh).st_mode & 0o7777 == mode, "umask \(mask)")
        }
    }

    @Test("SIGTERM during a save removes its partial file and exits 143; the old model stays")
    func terminatedSave() throws {
        let model = scratch.path("m.safetensors")
        try smallModel(at: model)
        let before = try Data(contentsOf: model)
        // 784-2000-10 is a 6.3 MB file: its write and flush last long enough to be caught.
        let arguments = ["train", "--iterations", "1", "--batch-size", "10", "--hidden", "2000",
                         "--data", data.url.path, "--save", model.path, "--force"]
        var caught = 0
        for attempt in 0..<6 where caught < 2 {
            let child = try SpawnedBackprop(arguments + ["--seed", "\(attempt)"])
            // Freeze the child now and then until its partial file is there, then signal it while frozen.
            var inSave = false
            while !child.hasEnded {
                child.pause()
                if try !partials().isEmpty {
                    inSave = true
                    break
                }
                child.resume()
                usleep(200)
            }
            child.send(SIGTERM)
            child.resume()
            let outcome = child.wait()
            if inSave {
                caught += 1
                #expect(outcome.exited && outcome.status == 143, "\(outcome)")
                #expect(try Data(contentsOf: model) == before)
            }
            #expect(try partials() == [], "a partial file survived SIGTERM (in a save: \(inSave)): \(outcome)")
            // Whatever happened, the file is one whole model.
            _ = try ModelFile.load(from: model, backend: ReferenceBackend<Float>())
        }
        #expect(caught >= 1, "no SIGTERM landed inside a save")
    }

    @Test("SIGINT at any moment (start, probe, loading, training, saving) exits 130 or 0 and leaves no partial file")
    func interruptedAnywhere() throws {
        let model = scratch.path("m.safetensors")
        try smallModel(at: model)
        let arguments = ["train", "--iterations", "1", "--batch-size", "10", "--hidden", "2000",
                         "--data", data.url.path, "--save", model.path, "--curves", scratch.filePath("new"), "--force"]
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<6 {
            let child = try SpawnedBackprop(arguments + ["--seed", "\(attempt)"])
            usleep(UInt32.random(in: 0..<250_000, using: &generator))
            child.send(SIGINT)
            let outcome = child.wait()
            #expect(outcome.exited && (outcome.status == 130 || outcome.status == 0), "\(outcome)")
            #expect(try partials() == [], "attempt \(attempt) left a partial file")
            // The curves directory exists only with both files in it.
            let curves = try scratch.listing().filter { $0.hasPrefix("new") }
            #expect(curves == [] || curves == ["new", "new/curves.csv", "new/curves.svg"], "\(curves)")
            _ = try ModelFile.load(from: model, backend: ReferenceBackend<Float>())
        }
    }

    @Test("Two runs with the same new --curves directory and --save file both succeed, each file one run's whole output")
    func concurrentRuns() throws {
        let model = scratch.path("m.safetensors"), curves = scratch.path("curves")
        for round in 0..<4 {
            let runs = try (0..<2).map { index in
                try SpawnedBackprop(["train", "--iterations", "20", "--batch-size", "10", "--hidden", "\(3 + index)",
                                     "--data", data.url.path, "--save", model.path, "--curves", curves.path,
                                     "--force"])
            }
            for outcome in runs.map({ $0.wait() }) {
                #expect(outcome.exited && outcome.status == 0, "round \(round): \(outcome)")
            }
            #expect([[784, 3, 10], [784, 4, 10]].contains(try ModelFile.load(from: model, backend: ReferenceBackend<Float>()).sizes))
            let csv = try String(contentsOf: curves.appendingPathComponent("curves.csv"), encoding: .utf8)
            #expect(csv.hasPrefix("iteration,") && csv.hasSuffix("\n"), "\(csv.prefix(80))")
            #expect(try partials() == [])
            try FileManager.default.removeItem(at: curves)
        }
    }
}
