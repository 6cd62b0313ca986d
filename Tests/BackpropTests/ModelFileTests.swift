import Backprop
import Foundation
import Testing
import TestSupport

/// ModelFile: a network saved with its architecture, rebuilt from the file alone, and every
/// damaged or mismatched file refused with an error naming it.
@Suite("Model files")
struct ModelFileTests {
    /// A trained 6-5-4-3 sigmoid network, so that no parameter is still at its initial value.
    func trainedNetwork() throws -> MultiLayerNet<FastBackend> {
        let network = MultiLayerNet(inputSize: 6, hiddenSizes: [5, 4], outputSize: 3, activation: .sigmoid,
                                    backend: FastBackend(), seed: 40)
        let data = blobsDataset(count: 60, features: 6, classes: 3, seed: 41)
        _ = try Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: data,
                        configuration: TrainingConfiguration(iterations: 20, batchSize: 10, seed: 42)).train()
        return network
    }

    /// The metadata ModelFile wrote for a 6-5-4-3 sigmoid network in the chapter-5 format,
    /// which files written before layer lists have and which is still read.
    let metadata = ["format": ModelFile.chapterFiveFormatName, "sizes": "6,5,4,3", "activation": "sigmoid"]

    /// The parameters of a 6-5-4-3 network as a model file stores them.
    func parameters(replacing name: String? = nil, with replacement: Tensor<Float>? = nil)
        -> [(name: String, tensor: Tensor<Float>)]
    {
        let shapes: [(String, [Int])] = [("W1", [6, 5]), ("b1", [5]), ("W2", [5, 4]), ("b2", [4]),
                                         ("W3", [4, 3]), ("b3", [3])]
        return shapes.compactMap { entry in
            guard entry.0 == name else { return (entry.0, Tensor(shape: entry.1, repeating: 0.25)) }
            return replacement.map { (entry.0, $0) }
        }
    }

    @Test("A saved network loads back with its sizes, activation and bitwise parameters, on any backend")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        let network = try trainedNetwork()
        try ModelFile.save(network, to: url, metadata: ["test_accuracy": "0.5", "layers": "affine:1"])

        let loaded = try ModelFile.load(from: url, backend: FastBackend())
        #expect(loaded.sizes == [6, 5, 4, 3])
        #expect(loaded.activation == .sigmoid)
        #expect(parameterBits(of: loaded) == parameterBits(of: network))
        let x: Tensor<Float> = randomTensor(shape: [7, 6], seed: 43)
        #expect(loaded.predict(x).scalars.map(\.bitPattern) == network.predict(x).scalars.map(\.bitPattern))

        let inDouble = try ModelFile.load(from: url, backend: ReferenceBackend<Double>())
        #expect(inDouble.parameters.map(\.tensor) == network.parameters.map { Tensor<Double>($0.tensor) })

        // Free-form metadata is kept; the architecture keys cannot be overridden by it.
        let stored = try Safetensors.load(from: url).metadata
        #expect(stored["test_accuracy"] == "0.5")
        #expect(stored["format"] == "backprop.network.v2")
        #expect(stored["layers"] == "affine:5,sigmoid,affine:4,sigmoid,affine:3")
        #expect(stored["input_shape"] == "6")
        #expect(try directory.contents() == ["model.safetensors"])
    }

    @Test("A missing tensor is refused, naming the file and the tensor")
    func missingTensor() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        try Safetensors.save(parameters(replacing: "b2", with: nil), metadata: metadata, to: url)
        expectError(SafetensorsError.missingTensor(path: url.path, name: "b2", available: ["W1", "b1", "W2", "W3", "b3"]),
                    mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("A tensor of the wrong shape is refused, naming the file, the tensor and both shapes")
    func wrongShape() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        try Safetensors.save(parameters(replacing: "W2", with: Tensor(shape: [4, 5])), metadata: metadata, to: url)
        expectError(SafetensorsError.shapeMismatch(path: url.path, tensor: "W2", expected: [5, 4], found: [4, 5]),
                    mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("Sizes far larger than the tensors are refused by the tensors, before anything is allocated")
    func hugeSizes() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        var huge = metadata
        huge["sizes"] = "6,2000000000,4,3"
        try Safetensors.save(parameters(), metadata: huge, to: url)
        expectError(SafetensorsError.shapeMismatch(path: url.path, tensor: "W1", expected: [6, 2_000_000_000], found: [6, 5]),
                    mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("A tensor stored in a dtype Backprop cannot read is refused")
    func wrongDType() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        var bytes = [UInt8](Safetensors.encode(parameters(), metadata: metadata))
        // The header is plain JSON; "I32" has the length of "F32", so every offset stays valid.
        let entry = try #require(bytes.firstRange(of: Array("\"W2\":{\"dtype\":\"F32\"".utf8)))
        bytes.replaceSubrange(entry.upperBound - 4..<entry.upperBound - 1, with: Array("I32".utf8))
        try Data(bytes).write(to: url)
        expectError(SafetensorsError.unsupportedDType(path: url.path, tensor: "W2", dtype: "I32"), mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("A file cut short anywhere is refused with the file's name", arguments: [1, 4, 296, 297, 400])
    func truncated(droppedBytes: Int) throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        try ModelFile.save(try trainedNetwork(), to: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - droppedBytes).write(to: url)
        let error = #expect(throws: SafetensorsError.self) { try ModelFile.load(from: url, backend: FastBackend()) }
        #expect(error?.description.hasPrefix(url.path + ":") == true, "\(String(describing: error))")
        // The data section holds 74 floats; cutting deeper reaches the header, and then it is
        // the header length that points past the end of the file.
        if droppedBytes <= 74 * 4 {
            guard case .truncatedBody? = error else {
                Issue.record("expected truncatedBody, got \(String(describing: error))")
                return
            }
        } else {
            guard case .headerLengthBeyondFile? = error else {
                Issue.record("expected headerLengthBeyondFile, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("A model file whose metadata is malformed is refused", arguments: [
        ("sizes", "6,x,4,3", "invalid model metadata sizes='6,x,4,3'"),
        ("sizes", "6", "invalid model metadata sizes='6'"),
        ("sizes", "6,0,4,3", "invalid model metadata sizes='6,0,4,3'"),
        ("sizes", "6,-5,4,3", "invalid model metadata sizes='6,-5,4,3'"),
        ("activation", "swish", "invalid model metadata activation='swish'"),
    ] as [(key: String, value: String?, message: String)])
    func badMetadata(_ change: (key: String, value: String?, message: String)) throws {
        let (key, value, message) = change
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        var changed = metadata
        changed[key] = value
        try Safetensors.save(parameters(), metadata: changed, to: url)
        let error = #expect(throws: ModelFileError.self) { try ModelFile.load(from: url, backend: FastBackend()) }
        #expect(error?.description.hasPrefix(url.path + ": " + message) == true, "\(String(describing: error))")
    }

    @Test("A tensor the described network has no place for is refused")
    func unexpectedTensor() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        try Safetensors.save(parameters() + [("W4", Tensor(shape: [3, 3]))], metadata: metadata, to: url)
        expectError(ModelFileError.unexpectedTensor(path: url.path, name: "W4", expected: ["W1", "b1", "W2", "b2", "W3", "b3"]),
                    mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("A failed save leaves nothing behind: no file, no temporary file, the old contents intact")
    func failedSave() throws {
        let directory = try TemporaryDirectory()
        let network = try trainedNetwork()
        let nowhere = directory.path("missing/model.safetensors")
        #expect(throws: SafetensorsError.self) { try ModelFile.save(network, to: nowhere) }
        #expect(try directory.contents() == [])

        // A non-empty directory cannot be replaced by a file: the save fails at the rename.
        let occupied = try directory.makeDirectory("model.safetensors")
        try directory.write([1, 2, 3], to: "model.safetensors/keep")
        let error = #expect(throws: SafetensorsError.self) { try ModelFile.save(network, to: occupied) }
        #expect(error?.description.hasPrefix(occupied.path + ": could not be saved") == true)
        #expect(try directory.contents() == ["model.safetensors"])
        #expect(try Data(contentsOf: directory.path("model.safetensors/keep")) == Data([1, 2, 3]))
    }

    @Test("A name near the 255-byte limit saves: the temporary file's name stays within it")
    func longName() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path(String(repeating: "m", count: 240) + ".safetensors")
        try ModelFile.save(try trainedNetwork(), to: url)
        #expect(try ModelFile.load(from: url, backend: FastBackend()).sizes == [6, 5, 4, 3])
        #expect(try directory.contents() == [url.lastPathComponent])
    }
}
