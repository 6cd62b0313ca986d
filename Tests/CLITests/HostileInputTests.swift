import Backprop
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The cases of a probe of hostile input and unusual files (issue 13): each ends with one line
/// on stderr naming the file or option, a non-zero exit, no signal, and no file clobbered.
@Suite("backprop: hostile input, unusual files and runs that cannot fit")
struct HostileInputTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories() }

    func train(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(["train", "--data", data.url.path] + arguments, in: scratch.url)
    }

    /// A small valid model file at `name` in the scratch directory; its bytes.
    @discardableResult
    func writeModel(_ name: String = "m.safetensors") throws -> Data {
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: scratch.path(name))
        return try Data(contentsOf: scratch.path(name))
    }

    // MARK: 1. Saving onto special files and symbolic links

    @Test("--save onto a FIFO or a character device is refused before training and leaves it in place",
          arguments: ["fifo", "device"])
    func saveOntoSpecialFile(_ kind: String) throws {
        let target = scratch.filePath("special")
        // Device 1, 7 is /dev/full (old-style encoding major << 8 | minor, valid for small numbers).
        let made = kind == "fifo" ? mkfifo(target, 0o644) : mknod(target, S_IFCHR | 0o644, dev_t(1 << 8 | 7))
        try #require(made == 0 || kind == "device", "mkfifo failed")
        guard made == 0 else { return }  // creating device nodes needs root; the FIFO case still runs
        let run = try train(["--iterations", "5", "--save", target])
        expectOneLineError(run, mentioning: [target, kind == "fifo" ? "a FIFO" : "a character device",
                                             "not a regular file"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
        #expect(SpecialFileProbe.kind(of: target) == (kind == "fifo" ? S_IFIFO : S_IFCHR))
    }

    @Test("--save through a symbolic link replaces the file it points to and keeps the link")
    func saveThroughSymlink() throws {
        try scratch.makeDirectory("models")
        let old = try writeModel("models/real.safetensors")
        let link = scratch.filePath("m.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "models/real.safetensors")
        let run = try train(["--iterations", "5", "--save", link])
        expectSuccess(run)
        let attributes = try FileManager.default.attributesOfItem(atPath: link)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        let saved = try Data(contentsOf: scratch.path("models/real.safetensors"))
        #expect(saved != old)
        #expect(try ModelFile.load(from: URL(fileURLWithPath: link), backend: ReferenceBackend<Float>()).sizes
                == [784, 50, 10])
        #expect(try scratch.listing() == ["m.safetensors", "models", "models/real.safetensors"])
    }

    @Test("--save onto a symbolic link to nothing is refused before training")
    func saveThroughDanglingSymlink() throws {
        let link = scratch.filePath("m.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "nowhere/x.safetensors")
        let run = try train(["--iterations", "5", "--save", link])
        expectOneLineError(run, mentioning: [link, "symbolic link", "does not exist"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
    }

    // MARK: 3. Sizes that cannot fit

    @Test("A hidden layer too large for any machine is refused by the memory estimate, naming --hidden")
    func hiddenTooLarge() throws {
        let run = try train(["--iterations", "1", "--hidden", "2000000000"])
        expectOneLineError(run, mentioning: ["--hidden 2000000000", "needs about", "GB of memory"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
    }

    @Test("A hidden layer too large for a 4 GB address-space limit is refused, not aborted",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"))
    func hiddenOverAddressSpaceLimit() throws {
        // 784 x 2,000,000 weights, their gradients and a batch: about 13 GB.
        let run = try BackpropExecutable.run(["train", "--iterations", "1", "--hidden", "2000000",
                                              "--data", data.url.path], in: scratch.url, shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: ["--hidden 2000000", "address-space limit"])
    }

    @Test("A gzip-bombed CSV file under a 4 GB address-space limit is refused with one line, not an abort",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"))
    func csvGzipBomb() throws {
        // A header, then 2 GB of zero bytes that never end a row, in about 2 MB of gzip (128
        // members of 16 MB each). Under ulimit -v 4 GB the reader may hold a quarter of what is
        // left, under 1 GB: it must stop there with one line, where inflating it whole could
        // only fail to allocate and abort. (A bomb of valid rows streams into values, and stops
        // at the same limit once they fill it; a debug build parses too slowly to reach it here.)
        let bomb = scratch.filePath("bomb.csv.gz")
        let script = """
            import gzip, sys
            member = gzip.compress(b"x,label\\n" + b"\\0" * (16 << 20), 6)
            rows = gzip.compress(b"\\0" * (16 << 20), 6)
            open(sys.argv[1], 'wb').write(member + rows * 127)
            """
        let python = try Python.run(script, arguments: [bomb])
        try #require(python.status == 0, "python3 could not write the gzip bomb: \(python.output)")
        let run = try BackpropExecutable.run(["train", "--iterations", "1", "--csv", bomb, "--label-column", "label"],
                                             in: scratch.url, shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: [bomb, "to hold in memory", "address-space limit"])
        #expect(try scratch.listing() == ["bomb.csv.gz"])
    }

    @Test("A batch larger than the training set is refused, naming --batch-size and the set's size",
          arguments: ["101", "1000000000"])
    func batchLargerThanTrainingSet(_ size: String) throws {
        let run = try train(["--iterations", "1", "--batch-size", size])
        expectOneLineError(run, mentioning: ["--batch-size \(size)", "100 training images"])
    }

    // MARK: 4. Chance-level results

    @Test("A model no better than chance does not replace an existing one unless --force")
    func chanceLevelKeepsExistingModel() throws {
        let old = try writeModel()
        let model = scratch.filePath("m.safetensors")
        // 15 iterations at learning rate 100: the loss explodes (too briefly for the runaway
        // check) and the network ends up answering one class for every image.
        let arguments = ["--iterations", "15", "--learning-rate", "100", "--save", model]
        let refused = try train(arguments + ["--curves", scratch.filePath("curves")])
        expectOneLineError(refused, mentioning: ["no better than always answering the most common class", model,
                                                 "--force"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == old)
        #expect(try scratch.listing() == ["m.safetensors"])

        let forced = try train(arguments + ["--force"])
        expectSuccess(forced)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) != old)
    }

    // MARK: 5 and 6. Outputs checked before training, written all or none

    @Test("A --curves file that cannot be written fails before training, formatted, and no model is written")
    func curvesUnwritable() throws {
        try scratch.makeDirectory("curves/curves.csv")
        let model = scratch.filePath("m.safetensors")
        let run = try train(["--iterations", "5", "--save", model, "--curves", scratch.filePath("curves")])
        expectOneLineError(run, mentioning: [scratch.filePath("curves/curves.csv"), "cannot be written", "directory"])
        #expect(!run.standardError.contains("NSCocoaErrorDomain"))
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
        #expect(try scratch.listing() == ["curves", "curves/curves.csv"])
    }

    @Test("A --save name longer than the file system allows is refused before training")
    func saveNameTooLong() throws {
        let target = scratch.filePath(String(repeating: "m", count: 256))
        let run = try train(["--iterations", "5", "--save", target])
        expectOneLineError(run, mentioning: ["256 bytes", "longer than"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
        #expect(try scratch.listing() == [])
    }

    // MARK: 8. Smaller cases

    @Test("Negative numbers reach the option's own check instead of 'Missing value'", arguments: [
        ["train", "--learning-rate", "-0.1"], ["train", "--hidden", "-5"], ["train", "--hidden", "10", "-5"],
        ["train", "--batch-size", "-3"], ["train", "--weight-std", "-1e-3"], ["gradcheck", "--samples", "-2"],
        ["train", "--threads", "-2"],
    ])
    func negativeNumbers(_ arguments: [String]) throws {
        let run = try BackpropExecutable.run(arguments + ["--data", data.url.path], in: scratch.url)
        let option = arguments.first { $0.hasPrefix("--") }!
        expectOneLineError(run, mentioning: [option, "-"])
        #expect(!run.standardError.contains("Missing value"), "\(run)")
    }

    @Test("Huge initial weights are blamed on --weight-std, not the learning rate")
    func hugeWeightStd() throws {
        let run = try train(["--iterations", "5", "--weight-std", "1e30"])
        expectOneLineError(run, mentioning: ["before any update", "--weight-std"])
        #expect(!run.standardError.contains("learning rate"), "\(run)")
    }

    @Test("A weight std below Float's normal range is refused instead of running on subnormals")
    func subnormalWeightStd() throws {
        let run = try train(["--iterations", "5", "--weight-std", "1e-40"])
        expectOneLineError(run, mentioning: ["--weight-std", "subnormal"])
    }

    @Test("A FIFO or /dev/zero in place of a data file is refused as not a regular file", arguments: ["fifo", "zero"])
    func specialDataFile(_ kind: String) throws {
        let path = data.filePath("train-labels-idx1-ubyte")
        try FileManager.default.removeItem(atPath: path)
        if kind == "fifo" {
            try #require(mkfifo(path, 0o644) == 0)
        } else {
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        }
        let run = try train(["--iterations", "1"])
        expectOneLineError(run, mentioning: [path, kind == "fifo" ? "a FIFO" : "a character device",
                                             "not a regular file"])
    }

    @Test("No test images (or, for evaluate, no training images): the set is said to be missing instead of accuracy 0")
    func noTestSet() throws {
        try MNISTSlice.write(to: data.url, trainCount: 100, testCount: 0)
        let model = scratch.filePath("m.safetensors")
        let run = try train(["--iterations", "20", "--save", model])
        expectSuccess(run)
        #expect(run.standardOutput.contains("no test set (t10k-images-idx3-ubyte holds no images)"), "\(run)")
        #expect(!run.standardOutput.contains("test accuracy"), "\(run)")
        // Under --json the text goes to stderr and the summary's test accuracy is null.
        let json = try train(["--iterations", "20", "--json"])
        #expect(json.exited && json.status == 0, "\(json)")
        #expect(json.outputLines.last?.contains("\"test_accuracy\":null") == true, "\(json)")
        let evaluate = try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path],
                                                  in: scratch.url)
        expectSuccess(evaluate)
        #expect(evaluate.standardOutput.contains("no test set"), "\(evaluate)")
        // And without training images, evaluate says so too.
        try MNISTSlice.write(to: data.url, trainCount: 0, testCount: 50)
        let noTraining = try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path],
                                                    in: scratch.url)
        expectSuccess(noTraining)
        #expect(noTraining.standardOutput.contains("no train set (train-images-idx3-ubyte holds no images)"),
                "\(noTraining)")
        #expect(noTraining.standardOutput.contains("test accuracy 0."), "\(noTraining)")
    }

    @Test("evaluate refuses a model with NaN or infinite weights, naming the tensor")
    func nonFiniteModel() throws {
        let path = scratch.path("m.safetensors")
        let weights = Tensor<Float>(shape: [784, 5], scalars: (0..<3920).map { $0 == 7 ? .nan : ($0 == 9 ? .infinity : 0) })
        try Safetensors.save([("W1", weights), ("b1", Tensor(shape: [5])), ("W2", Tensor(shape: [5, 10])),
                              ("b2", Tensor(shape: [10]))],
                             metadata: ["format": ModelFile.chapterFiveFormatName, "sizes": "784,5,10", "activation": "relu"],
                             to: path)
        let run = try BackpropExecutable.run(["evaluate", "--model", path.path, "--data", data.url.path], in: scratch.url)
        expectOneLineError(run, mentioning: [path.path, "'W1'", "2 NaN or infinite values"])
    }

    @Test("gradcheck --samples is bounded")
    func gradcheckSamplesBounded() throws {
        let run = try BackpropExecutable.run(["gradcheck", "--samples", "1000000000", "--data", data.url.path],
                                             in: scratch.url)
        expectOneLineError(run, mentioning: ["--samples", "between 1 and 100"])
    }
}

/// The file type bits of a path, without following links.
enum SpecialFileProbe {
    static func kind(of path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }
}
