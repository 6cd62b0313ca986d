import Backprop
import Foundation
import Testing
import TestSupport

/// Issue 22, the numbers a user types: lengths, sizes and environment values that cannot
/// work end with one line naming the option, before anything large is allocated.
@Suite("backprop: run lengths and sizes beyond what the machine can hold")
struct RunLimitTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories() }

    func train(_ arguments: [String], shellSetup: String? = nil) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(["train", "--data", data.url.path] + arguments, in: scratch.url,
                                   shellSetup: shellSetup)
    }

    @Test("A run length whose history cannot fit is refused up front, naming the option", arguments: [
        ["--iterations", "9223372036854775807"], ["--iterations", "100000000000"],
        ["--epochs", "9223372036854775807"], ["--epochs", "1000000000000"],
    ])
    func lengthBeyondMemory(_ length: [String]) throws {
        let run = try train(length)
        expectOneLineError(run, mentioning: [length.joined(separator: " "), "needs about", "GB of memory"])
        #expect(!run.standardOutput.contains("epoch"), "training ran: \(run)")
    }

    @Test("A convolutional network is counted layer by layer: a million filters, or a batch of their outputs, is refused up front")
    func convolutionCounted() throws {
        let layers = "conv:1000000:5,relu,pool:24,affine:10"
        // One image per batch: evaluating 100 images through a million 24x24 planes (460 GB) is the cost.
        let filters = try train(["--layers", layers, "--iterations", "1", "--batch-size", "1"])
        expectOneLineError(filters, mentioning: ["--layers \(layers) needs about", "GB of memory"])
        #expect(!filters.standardOutput.contains("epoch"), "training ran: \(filters)")
        // 100 images per batch: their outputs, gradients and pooling's argmax (920 GB) are the cost.
        let batch = try train(["--layers", layers, "--iterations", "1", "--batch-size", "100"])
        expectOneLineError(batch, mentioning: ["--batch-size 100 needs about", "GB of memory"])
    }

    @Test("Epochs times iterations per epoch beyond Int.max is refused, not a trap")
    func epochsOverflow() throws {
        let run = try train(["--epochs", "9223372036854775807", "--batch-size", "10"])
        expectOneLineError(run, mentioning: ["--epochs 9223372036854775807", "10 iterations per epoch",
                                             "more iterations than a run can count"])
    }

    @Test("The loss history is counted: under ulimit -v a run that fits in parameters but not in history is refused",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"))
    func historyCountedUnderLimit() throws {
        // 200 million iterations keep 4.8 GB of history: more than a 4 GB address space.
        let run = try train(["--iterations", "200000000"], shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: ["--iterations 200000000", "address-space limit"])
    }

    @Test("An invalid OMP_NUM_THREADS or OMP_THREAD_LIMIT gets one warning and is ignored; a huge one is capped at the cores",
          arguments: [("OMP_NUM_THREADS", ""), ("OMP_NUM_THREADS", "garbage"), ("OMP_NUM_THREADS", "-1"),
                      ("OMP_NUM_THREADS", "99999999999"), ("OMP_THREAD_LIMIT", "0"), ("OMP_THREAD_LIMIT", "99999999999")])
    func openMPEnvironment(_ name: String, _ value: String) throws {
        let run = try train(["--iterations", "1"], shellSetup: "export \(name)='\(value)'")
        #expect(run.exited && run.status == 0, "\(run)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = FastBackend.isParallel ? cores : 1
        #expect(run.standardOutput.contains("\(threads) thread\(threads == 1 ? "" : "s"))"), "\(run)")
        if value == "99999999999" {
            #expect(run.standardError.isEmpty, "\(run)")
        } else {
            let expected = "backprop: warning: \(name)=\"\(value)\" "
                + (value.isEmpty ? "is empty" : value == "0" ? "asks for 0 threads" : "is not a positive")
            #expect(run.errorLines.count == 1 && run.errorLines[0].hasPrefix(expected), "\(run)")
            #expect(run.errorLines.first?.hasSuffix("; ignored") == true, "\(run)")
        }
    }

    @Test("CSV labels are checked against the data: a huge label, one class, a test class the training file lacks",
          arguments: [
              ("x,label\n1,0\n2,1\n3,1000000\n", nil, ["row 4, column 'label'", "label 1000000 would make 1000001 classes"]),
              ("x,label\n1,0\n2,1\n3,2147483647\n", nil, ["row 4, column 'label'", "2147483648 classes"]),
              ("x,label\n1,2\n2,2\n3,2\n", nil, ["column 'label'", "every row has label 2", "at least two classes"]),
              ("x,label\n1,0\n2,1\n3,1\n4,0\n", "x,label\n1,0\n2,3\n", ["test.csv: row 3, column 'label'",
                                                                         "class 3 is not in the training file"]),
          ] as [(String, String?, [String])])
    func csvLabels(_ training: String, _ test: String?, _ fragments: [String]) throws {
        let file = try scratch.writeFile(Array(training.utf8), to: "train.csv")
        var arguments = ["train", "--csv", file, "--label-column", "label", "--iterations", "1", "--batch-size", "1"]
        if let test { arguments += ["--test-csv", try scratch.writeFile(Array(test.utf8), to: "test.csv")] }
        let run = try BackpropExecutable.run(arguments, in: scratch.url)
        expectOneLineError(run, mentioning: fragments + (test == nil ? [file] : []))
        #expect(run.status == 1, "\(run)")
        #expect(!run.standardError.contains("--hidden"), "\(run)")
    }

    /// A sparse model file of `header` (padded to 8 bytes) and `dataBytes` bytes of zeros.
    func sparseModel(header: String, dataBytes: Int, name: String = "big.safetensors") throws -> String {
        var json = Array(header.utf8)
        json += repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
        let size = bytes.count + dataBytes
        let path = try scratch.writeFile(bytes, to: name)
        bytes = []
        try #require(truncate(path, off_t(size)) == 0, "could not make \(path) sparse")
        return path
    }

    @Test("A model file's header is read first: a garbage header on a 2 GB file costs no more than the header")
    func garbageHeaderOnHugeFile() throws {
        let path = try sparseModel(header: "{not json at all", dataBytes: 2 << 30)
        let outcome = try PeakMemory.run(["evaluate", "--model", path, "--data", data.url.path])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.standardError.contains(path) && outcome.standardError.split(separator: "\n").count == 1,
                "\(outcome)")
        // Read whole (twice) this was 4.2 GB.
        #expect(outcome.maximumResidentBytes < 400 << 20, "\(outcome)")
    }

    @Test("An 8 GB model with a valid header under a 4 GB address-space limit is refused before its tensors are read",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"),
          arguments: ["evaluate", "predict", "convert"])
    func hugeModelUnderLimit(_ command: String) throws {
        let elements = 2 << 30
        let header = #"{"__metadata__":{"format":"backprop","sizes":"784,2097152,1024","activation":"relu"},"#
            + #""W1":{"dtype":"F32","shape":[2097152,1024],"data_offsets":[0,\#(elements * 4)]}}"#
        let path = try sparseModel(header: header, dataBytes: elements * 4)
        var arguments = [command, "--model", path]
        switch command {
        case "evaluate": arguments += ["--data", data.url.path]
        case "predict": arguments += ["--images", data.filePath("t10k-images-idx3-ubyte")]
        default: arguments += ["--layout", "torch", "--output", scratch.filePath("out.safetensors")]
        }
        let run = try BackpropExecutable.run(arguments, in: scratch.url, shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: [path, "needs about", "address-space limit"])
    }

    @Test("gradcheck sizes its network only after a memory preflight, naming --hidden")
    func gradcheckPreflight() throws {
        let run = try BackpropExecutable.run(["gradcheck", "--hidden", "100000000", "--data", data.url.path],
                                             in: scratch.url)
        expectOneLineError(run, mentioning: ["--hidden 100000000", "needs about", "GB of memory"])
    }

    @Test("A valid 7.8 GB IDX images file under a 4 GB address-space limit is refused before it is read",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"),
          arguments: ["train", "evaluate", "predict"])
    func hugeIDXUnderLimit(_ command: String) throws {
        let images = data.filePath(command == "evaluate" ? "t10k-images-idx3-ubyte" : "train-images-idx3-ubyte")
        try? FileManager.default.removeItem(atPath: images)
        try? FileManager.default.removeItem(atPath: images + ".gz")
        // 10,000,000 images of 28 x 28 bytes after a 16-byte header, as a sparse file.
        let header: [UInt8] = [0, 0, 8, 3] + [10_000_000, 28, 28].flatMap { (size: UInt32) in
            withUnsafeBytes(of: size.bigEndian) { Array($0) }
        }
        _ = try data.writeFile(header, to: (images as NSString).lastPathComponent)
        try #require(truncate(images, off_t(16 + 10_000_000 * 784)) == 0)
        let model = scratch.filePath("m.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [5], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: URL(fileURLWithPath: model))
        let arguments: [String] = switch command {
        case "train": ["train", "--iterations", "1", "--data", data.url.path]
        case "evaluate": ["evaluate", "--model", model, "--data", data.url.path]
        default: ["predict", "--model", model, "--images", images]
        }
        let run = try BackpropExecutable.run(arguments, in: scratch.url, shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: [images, "needs about 39.2 GB", "address-space limit"])
    }

    @Test("With --save, the preflight counts the encoded model: a network that fits only without its file is refused",
          .disabled(if: BackpropExecutable.isAddressSanitized, "AddressSanitizer cannot start under ulimit -v"))
    func encodedModelCounted() throws {
        let csv = try scratch.writeFile(Array("x,label\n1,0\n2,1\n3,0\n4,1\n".utf8), to: "d.csv")
        // 400 million parameters: 3.2 GB with their gradients, 3.2 GB more for the file and its tensors.
        let run = try BackpropExecutable.run(["train", "--csv", csv, "--label-column", "label", "--iterations", "1",
                                              "--batch-size", "1", "--hidden", "20000", "20000",
                                              "--save", scratch.filePath("m.safetensors")],
                                             in: scratch.url, shellSetup: "ulimit -v 4194304")
        expectOneLineError(run, mentioning: ["--hidden 20000 20000", "address-space limit"])
        #expect(!FileManager.default.fileExists(atPath: scratch.filePath("m.safetensors")))
    }
}
