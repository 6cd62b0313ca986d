import Backprop
import Foundation
import Testing
import TestSupport

/// Every mistake a user can make with options, data or model files ends the same way: a
/// non-zero exit, one line on standard error naming the file (or option) and the problem,
/// and no output file.
@Suite("backprop: bad input gives one clear line on stderr")
struct BadInputTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories() }

    /// `train` with every output option, so that a failure can be checked to have written nothing.
    func train(_ extra: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(["train", "--iterations", "5", "--save", scratch.filePath("m.safetensors"),
                                    "--curves", scratch.filePath("curves")] + extra, in: scratch.url)
    }

    // MARK: Options

    @Test("An unknown option value names the option and the choices")
    func unknownActivation() throws {
        let run = try train(["--activation", "swish", "--data", data.url.path])
        expectOneLineError(run, mentioning: ["'swish'", "--activation", "relu", "sigmoid", "tanh"])
        #expect(try scratch.listing() == [])
    }

    @Test("Out-of-range numbers are refused before any work", arguments: [
        ["--iterations", "0"], ["--batch-size", "-3"], ["--learning-rate", "nan"], ["--hidden", "0"], ["--threads", "0"],
        ["--threads", "100000"],
    ])
    func outOfRange(_ option: [String]) throws {
        let run = try train(option + ["--data", data.url.path])
        expectOneLineError(run, mentioning: [option[0]])
        #expect(try scratch.listing() == [])
    }

    // MARK: Data

    @Test("A data directory that does not exist is named")
    func missingDataDirectory() throws {
        let run = try train(["--data", "/nonexistent"])
        expectOneLineError(run, mentioning: ["/nonexistent", "data directory not found"])
        #expect(try scratch.listing() == [])
    }

    @Test("A missing data file is named")
    func missingDataFile() throws {
        try FileManager.default.removeItem(atPath: data.filePath("t10k-labels-idx1-ubyte"))
        let run = try train(["--data", data.url.path])
        expectOneLineError(run, mentioning: [data.filePath("t10k-labels-idx1-ubyte"), "not found"])
        #expect(try scratch.listing() == [])
    }

    @Test("A file that is not IDX is named with its magic number")
    func corruptIDX() throws {
        let images = try data.writeFile([0x12, 0x34, 0x08, 0x03] + [UInt8](repeating: 7, count: 100),
                                    to: "train-images-idx3-ubyte")
        let run = try train(["--data", data.url.path])
        expectOneLineError(run, mentioning: [images, "not an IDX file", "0x12340803"])
        #expect(try scratch.listing() == [])
    }

    @Test("An IDX file whose header promises more than it holds is named")
    func truncatedIDX() throws {
        let labels = data.filePath("train-labels-idx1-ubyte")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: labels))
        try data.writeFile(bytes.prefix(bytes.count - 10), to: "train-labels-idx1-ubyte")
        let run = try train(["--data", data.url.path])
        expectOneLineError(run, mentioning: [labels, "truncated data", "100 bytes", "90"])
        #expect(try scratch.listing() == [])
    }

    @Test("A truncated gzip file is named, whatever command reads it", arguments: ["train", "evaluate", "gradcheck"])
    func truncatedGzip(_ command: String) throws {
        // The .gz file takes precedence over the uncompressed one of the same name.
        let gzip = try data.writeFile(try MNISTSlice.shippedGzip("train-labels-idx1-ubyte").prefix(10_000),
                                  to: "train-labels-idx1-ubyte.gz")
        let model = scratch.filePath("model.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: URL(fileURLWithPath: model))
        let before = try scratch.listing()
        let run: BackpropExecutable.Run
        switch command {
        case "train": run = try train(["--data", data.url.path])
        case "evaluate": run = try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path], in: scratch.url)
        default: run = try BackpropExecutable.run(["gradcheck", "--hidden", "3", "--data", data.url.path], in: scratch.url)
        }
        expectOneLineError(run, mentioning: [gzip, "corrupt gzip stream"])
        #expect(try scratch.listing() == before)
    }

    @Test("Images and labels of different counts name both files")
    func countMismatch() throws {
        try MNISTSlice.write("t10k-labels-idx1-ubyte", count: 49, to: data.url)
        let run = try train(["--data", data.url.path])
        expectOneLineError(run, mentioning: [data.filePath("t10k-images-idx3-ubyte"), "50 images",
                                             data.filePath("t10k-labels-idx1-ubyte"), "49 labels"])
        #expect(try scratch.listing() == [])
    }

    @Test("A training split without images is refused, not a crash", arguments: ["train", "gradcheck"])
    func emptyTrainingSet(_ command: String) throws {
        try MNISTSlice.write(to: data.url, trainCount: 0, testCount: 50)
        let run = command == "train"
            ? try train(["--data", data.url.path])
            : try BackpropExecutable.run(["gradcheck", "--hidden", "3", "--data", data.url.path], in: scratch.url)
        expectOneLineError(run, mentioning: [data.url.path, "train-images-idx3-ubyte", "no images"])
        #expect(try scratch.listing() == [])
    }

    @Test("Images of a size other than 28 x 28 train and check a network of that size")
    func otherImageSize() throws {
        // 100 training and 50 test images of 4 x 28 pixels: rows 12 to 15 of each MNIST image.
        // (Not its top rows: they are blank, and a gradient check at ReLU's kink cannot pass.)
        for (split, count) in [(MNIST.Split.train, 100), (.test, 50)] {
            let original = try Data(contentsOf: URL(fileURLWithPath: data.filePath(split.imagesFileName)))
            let pixels = [UInt8](original.dropFirst(16))
            let band = (0..<count).flatMap { (image: Int) -> ArraySlice<UInt8> in
                let start = image * 784 + 12 * 28
                return pixels[start..<start + 4 * 28]
            }
            try data.writeFile(idxFile(shape: [UInt32(count), 4, 28], elements: []) + band, to: split.imagesFileName)
        }
        let gradcheck = try BackpropExecutable.run(["gradcheck", "--hidden", "3", "--backend", "reference",
                                                    "--data", data.url.path], in: scratch.url)
        expectSuccess(gradcheck)
        #expect(gradcheck.outputLines.first?.contains("112-3-10 relu") == true, "\(gradcheck)")
        let train = try BackpropExecutable.run(["train", "--iterations", "3", "--data", data.url.path], in: scratch.url)
        expectSuccess(train)
        #expect(train.standardOutput.contains("network 112-50-10"), "\(train)")
    }

    // MARK: Model files

    func evaluate(_ model: String) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(["evaluate", "--model", model, "--data", data.url.path, "--json"], in: scratch.url)
    }

    @Test("evaluate names a model file that does not exist")
    func missingModel() throws {
        let run = try evaluate(scratch.filePath("absent.safetensors"))
        expectOneLineError(run, mentioning: [scratch.filePath("absent.safetensors"), "file not found"])
        #expect(run.standardOutput.isEmpty)
        #expect(try scratch.listing() == [])
    }

    @Test("evaluate refuses a safetensors file that is not a model")
    func notAModel() throws {
        let path = scratch.filePath("weights.safetensors")
        try Safetensors.save([("x", Tensor(shape: [2, 2]))], metadata: ["author": "someone"], to: URL(fileURLWithPath: path))
        let run = try evaluate(path)
        expectOneLineError(run, mentioning: [path, "tensor 'x' fits no accepted layout", "W1 b1", "0.weight", "fc1.weight"])
        #expect(try scratch.listing() == ["weights.safetensors"])
    }

    @Test("evaluate refuses a file that is not safetensors at all")
    func notSafetensors() throws {
        let path = try scratch.writeFile(Array("hello, world\n".utf8), to: "notes.safetensors")
        let run = try evaluate(path)
        expectOneLineError(run, mentioning: [path])
        #expect(try scratch.listing() == ["notes.safetensors"])
    }

    @Test("evaluate refuses a model whose tensors do not match its sizes")
    func wrongShapes() throws {
        let path = scratch.filePath("model.safetensors")
        let tensors: [(name: String, tensor: Tensor<Float>)] = [
            ("W1", Tensor(shape: [784, 20])), ("b1", Tensor(shape: [50])), ("W2", Tensor(shape: [50, 10])),
            ("b2", Tensor(shape: [10])),
        ]
        try Safetensors.save(tensors, metadata: ["format": ModelFile.chapterFiveFormatName, "sizes": "784,50,10", "activation": "relu"],
                             to: URL(fileURLWithPath: path))
        let run = try evaluate(path)
        expectOneLineError(run, mentioning: [path, "'W1'", "[784, 20]", "[784, 50]"])
    }

    @Test("evaluate refuses a model built for other data")
    func otherArchitecture() throws {
        let path = scratch.filePath("model.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 100, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: URL(fileURLWithPath: path))
        let run = try evaluate(path)
        expectOneLineError(run, mentioning: [path, "100 inputs", "784"])
    }

    @Test("A model file cut short is refused, naming it")
    func truncatedModel() throws {
        let path = scratch.filePath("model.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: URL(fileURLWithPath: path))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try scratch.writeFile(bytes.prefix(bytes.count - 8), to: "model.safetensors")
        let run = try evaluate(path)
        expectOneLineError(run, mentioning: [path, "truncated"])
    }

    // MARK: Output paths and divergence

    @Test("--save into a directory that does not exist is refused before training")
    func saveDirectoryMissing() throws {
        let target = scratch.filePath("missing/m.safetensors")
        let run = try BackpropExecutable.run(["train", "--iterations", "5", "--data", data.url.path, "--save", target],
                                             in: scratch.url)
        expectOneLineError(run, mentioning: [scratch.filePath("missing"), "does not exist"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
        #expect(try scratch.listing() == [])
    }

    @Test("Training that diverges exits with one line naming the iteration and leaves the old model file as it was",
          arguments: [50, 1])
    func divergence(iterations: Int) throws {
        let model = try scratch.writeFile(Array("the previous model\n".utf8), to: "m.safetensors")
        let run = try BackpropExecutable.run(["train", "--learning-rate", "1e30", "--iterations", "\(iterations)",
                                              "--data", data.url.path, "--save", model, "--curves", scratch.filePath("curves")],
                                             in: scratch.url)
        expectOneLineError(run, mentioning: ["training stopped", "at iteration 1", "smaller learning rate", model,
                                             "was not written"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == Data("the previous model\n".utf8))
        #expect(try scratch.listing() == ["m.safetensors"])
    }
}
