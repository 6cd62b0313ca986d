import Backprop
import Foundation
import Testing
import TestSupport

/// Model files from elsewhere: numpy's book-named tensors without metadata, PyTorch state
/// dicts, half and double precision; and files that fit none of them, refused with a message
/// that names the tensor or lists what is accepted.
@Suite("Model import and export")
struct ModelImportTests {
    /// A trained 6-5-4-3 sigmoid network, so that no parameter is still at its initial value.
    static func trainedNetwork() throws -> MultiLayerNet<FastBackend> {
        let network = MultiLayerNet(inputSize: 6, hiddenSizes: [5, 4], outputSize: 3, activation: .sigmoid,
                                    backend: FastBackend(), seed: 50)
        _ = try Trainer(network: network, optimizer: Adam(learningRate: 0.01),
                        trainingSet: blobsDataset(count: 60, features: 6, classes: 3, seed: 51),
                        configuration: TrainingConfiguration(iterations: 20, batchSize: 10, seed: 52)).train()
        return network
    }

    let probe = blobsDataset(count: 30, features: 6, classes: 3, seed: 53).inputs

    /// Expects `imported` to compute bitwise what `network` computes.
    func expectSameNetwork(_ imported: MultiLayerNet<FastBackend>, _ network: MultiLayerNet<FastBackend>,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(imported.sizes == network.sizes, sourceLocation: sourceLocation)
        #expect(imported.activation == network.activation, sourceLocation: sourceLocation)
        #expect(imported.predict(probe).scalars.map(\.bitPattern) == network.predict(probe).scalars.map(\.bitPattern),
                sourceLocation: sourceLocation)
    }

    @Test("Book names without metadata load; the activation comes from the caller, with a note, and is never guessed")
    func bookNamesWithoutMetadata() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("numpy.safetensors")
        let network = try Self.trainedNetwork()
        try Safetensors.save(network.parameters, to: url)
        let imported = try ModelFile.importModel(from: url, backend: FastBackend(), activation: .sigmoid)
        expectSameNetwork(imported.network, network)
        #expect(imported.layout == .backprop)
        #expect(imported.notes == ["\(url.path): the file names no activation; the hidden layers use sigmoid"])

        // Without one the import refuses (it used to run this sigmoid network as ReLU); with
        // `activation` metadata the file decides.
        #expect(throws: ModelFileError.unnamedActivation(path: url.path)) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
        try Safetensors.save(network.parameters, metadata: ["activation": "sigmoid"], to: url)
        let described = try ModelFile.importModel(from: url, backend: FastBackend(), activation: .relu)
        expectSameNetwork(described.network, network)
        #expect(described.notes.isEmpty)
    }

    @Test("PyTorch state dicts load in the order their names give, whatever the storage order", arguments: [
        ["0.", "2.", "4."], ["net.0.", "net.2.", "net.10."], ["fc1.", "fc2.", "fc3."], ["model.layers.1.", "model.layers.2.", "model.layers.11."],
    ])
    func torchStateDict(prefixes: [String]) throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("torch.safetensors")
        let network = try Self.trainedNetwork()
        let torch = ModelFile.parameters(of: network, layout: .torch)
        // Renamed to the prefixes and stored last layer first.
        let renamed = torch.enumerated().map { index, parameter in
            (name: prefixes[index / 2] + (index % 2 == 0 ? "weight" : "bias"), tensor: parameter.tensor)
        }
        try Safetensors.save(renamed.reversed(), metadata: ["format": "pt"], to: url)
        let imported = try ModelFile.importModel(from: url, backend: FastBackend(), activation: .sigmoid)
        #expect(imported.layout == .torch)
        expectSameNetwork(imported.network, network)
    }

    @Test("A PyTorch file whose shapes do not chain is refused, naming the tensor")
    func torchShapesDoNotChain() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("torch.safetensors")
        try Safetensors.save([("0.weight", Tensor(shape: [5, 6])), ("0.bias", Tensor(shape: [5])),
                              ("2.weight", Tensor(shape: [3, 7])), ("2.bias", Tensor(shape: [3]))], to: url)
        expectError(ModelFileError.inconsistentShape(
            path: url.path, tensor: "2.weight",
            reason: "has shape [3, 7] [outputs, inputs]: it takes 7 inputs, but '0.weight' gives 5 outputs"),
                    mentioning: url.path) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("Files that fit no layout, or fit it badly, are refused with the tensor at fault", arguments: [
        ([("W1", [6, 5]), ("b1", [4])], "tensor 'b1' does not fit the network: has shape [4], expected [5] (the outputs of 'W1')"),
        ([("W1", [6]), ("b1", [6])], "tensor 'W1' does not fit the network: has shape [6], expected a non-empty matrix [inputs, outputs]"),
        ([("W1", [6, 5]), ("b1", [5]), ("W3", [5, 3]), ("b3", [3])], "tensor 'W3' does not fit the network: the file has 2 weight matrices (W1 ... W2)"),
        ([("fc1.weight", [5, 6]), ("fc1.bias", [5]), ("fc2.weight", [3, 5])], "no tensor named 'fc2.bias'"),
        ([("encoder.weight", [5, 6]), ("encoder.bias", [5]), ("head.weight", [3, 5]), ("head.bias", [3])],
         "cannot tell whether 'encoder.weight' or 'head.weight' comes first"),
        ([("W1", [6, 5]), ("b1", [5]), ("running_mean", [5])], "tensor 'running_mean' belongs to a batch normalization layer"),
        ([], "the file holds no tensors; accepted are Backprop's own files; the book's names W1 b1 ... Wn bn"),
    ] as [([(String, [Int])], String)])
    func refused(tensors: [(String, [Int])], message: String) throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        try Safetensors.save(tensors.map { (name: $0.0, tensor: Tensor<Float>(shape: $0.1)) }, to: url)
        let error = #expect(throws: (any Error).self) { try ModelFile.load(from: url, backend: FastBackend()) }
        let description = error.map { "\($0)" } ?? ""
        #expect(description.hasPrefix(url.path + ": "), "\(description)")
        #expect(description.contains(message), "\(description)")
    }

    @Test("A PyTorch file with BatchNorm1d (and its I64 step counter) needs a layer list, and loads with one")
    func batchNormalization() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("bn.safetensors")
        // nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 3)) as
        // safetensors.torch.save_file writes it: the counter is a scalar I64.
        let floats: [(String, [Int])] = [("0.weight", [5, 6]), ("0.bias", [5]), ("1.weight", [5]), ("1.bias", [5]),
                                         ("1.running_mean", [5]), ("1.running_var", [5]), ("3.weight", [3, 5]),
                                         ("3.bias", [3])]
        var header = "{\"__metadata__\":{\"format\":\"pt\"}", offset = 0
        for (name, shape) in floats {
            let bytes = shape.reduce(4, *)
            header += ",\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += ",\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[\(offset),\(offset + 8)]}}"
        offset += 8
        var file = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
        file += Data(header.utf8) + Data(count: offset)
        try file.write(to: url)
        #expect(throws: ModelFileError.needsLayerList(path: url.path, tensor: "1.running_mean")) {
            try ModelFile.load(from: url, backend: FastBackend(), activation: .relu)
        }
        let imported = try ModelFile.importModel(from: url, backend: FastBackend(),
                                                 layers: try LayerSpec.list(parsing: "affine:5,batchnorm:eps=1e-05,relu,affine:3"))
        #expect(imported.network.sizes == [6, 5, 3])
        #expect(imported.notes.isEmpty, "the step counter is read but unused, and not worth a note: \(imported.notes)")
    }

    @Test("A sigmoid output layer is saved and loaded with its loss, in either layout", arguments: ModelLayout.allCases)
    func sigmoidOutput(layout: ModelLayout) throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("model.safetensors")
        let network = MultiLayerNet(inputSize: 6, hiddenSizes: [5], outputSize: 3, biasInitialization: .uniform,
                                    output: .sigmoid(.binaryCrossEntropy), backend: FastBackend(), seed: 54)
        try ModelFile.save(network, to: url, layout: layout)
        let file = try Safetensors.load(from: url)
        #expect(file.metadata["output"] == "sigmoid" && file.metadata["loss"] == "binary-cross-entropy")
        let loaded = try ModelFile.load(from: url, backend: FastBackend())
        #expect(loaded.output == .sigmoid(.binaryCrossEntropy))
        #expect(loaded.probabilities(probe).scalars.map(\.bitPattern) == network.probabilities(probe).scalars.map(\.bitPattern))
        #expect(loaded.copy().output == .sigmoid(.binaryCrossEntropy))

        try Safetensors.save(network.parameters, metadata: ["output": "sigmoid", "loss": "cross-entropy"], to: url)
        #expect(throws: ModelFileError.invalidMetadata(path: url.path, key: "loss", value: "cross-entropy")) {
            try ModelFile.load(from: url, backend: FastBackend())
        }
    }

    @Test("Saving in the PyTorch layout and back gives the original file byte for byte")
    func layoutRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let (original, torch, back) = (directory.path("a.safetensors"), directory.path("t.safetensors"),
                                       directory.path("b.safetensors"))
        try ModelFile.save(try Self.trainedNetwork(), to: original, metadata: ["test_accuracy": "0.5"])
        let first = try ModelFile.importModel(from: original, backend: ReferenceBackend<Float>())
        try ModelFile.save(first.network, to: torch, layout: .torch, metadata: first.metadata)
        let second = try ModelFile.importModel(from: torch, backend: ReferenceBackend<Float>())
        #expect(second.layout == .torch && second.notes.isEmpty)
        try ModelFile.save(second.network, to: back, layout: .backprop, metadata: second.metadata)
        #expect(try Data(contentsOf: back) == Data(contentsOf: original))
    }
}

@Suite("Model import and export against numpy", .enabled(if: Python.hasNumPy, "python3 with numpy is not available"))
struct ModelImportNumPyTests {
    @Test("F16 (all 65536 values), BF16 (all 65536) and F64 convert to F32 exactly as numpy's astype(float32)")
    func dtypeConversion() throws {
        let directory = try TemporaryDirectory()
        let (mixed, expected) = (directory.path("mixed.safetensors"), directory.path("expected.safetensors"))
        let script = Python.safetensorsFunctions + """
        import sys
        bits = np.arange(65536, dtype=np.uint16)
        rng = np.random.default_rng(7)
        doubles = np.concatenate([rng.normal(size=500) * 10.0 ** rng.integers(-45, 40, size=500),
                                  [0.0, -0.0, 1e300, -1e300, 5e-324, 3.4028235677973366e38, np.inf, -np.inf]])
        half = bits.view(np.float16)
        save_safetensors(sys.argv[1], [('h', half), ('bf', ('BF16', bits)), ('d', doubles)])
        with np.errstate(over='ignore'):
            save_safetensors(sys.argv[2], [('h', half.astype(np.float32)),
                                           ('bf', (bits.astype(np.uint32) << 16).view(np.float32)),
                                           ('d', doubles.astype(np.float32))])
        """
        let (status, output) = try Python.run(script, arguments: [mixed.path, expected.path])
        try #require(status == 0, "\(output)")
        let converted = try Safetensors.load(from: mixed)
        let reference = try Safetensors.load(from: expected)
        #expect(converted.convertedTensors == ["h": .f16, "bf": .bf16, "d": .f64])
        #expect(reference.convertedTensors.isEmpty)
        for name in ["h", "bf", "d"] {
            let ours = try #require(converted.tensors[name]).scalars.map(\.bitPattern)
            let numpys = try #require(reference.tensors[name]).scalars.map(\.bitPattern)
            #expect(ours == numpys, "\(name): \(zip(ours, numpys).filter { $0 != $1 }.prefix(5))")
        }
    }

    @Test("The PyTorch layout holds nn.Sequential's names, [out, in] weights and the exact values")
    func torchLayoutInNumpy() throws {
        let directory = try TemporaryDirectory()
        let (book, torch) = (directory.path("book.safetensors"), directory.path("torch.safetensors"))
        let network = try ModelImportTests.trainedNetwork()
        try ModelFile.save(network, to: book)
        try ModelFile.save(network, to: torch, layout: .torch)
        let script = Python.safetensorsFunctions + """
        import sys
        book, _ = load_safetensors(sys.argv[1])
        torch, metadata = load_safetensors(sys.argv[2])
        assert sorted(torch) == ['0.bias', '0.weight', '2.bias', '2.weight', '4.bias', '4.weight'], sorted(torch)
        for i in range(3):
            w, b = torch['%d.weight' % (2 * i)], torch['%d.bias' % (2 * i)]
            assert w[0] == 'F32' and b[0] == 'F32'
            assert np.array_equal(w[1], book['W%d' % (i + 1)][1].T), i
            assert np.array_equal(b[1], book['b%d' % (i + 1)][1]), i
        print(metadata['format'], metadata['input_shape'], metadata['layers'], [list(torch['%d.weight' % (2 * i)][1].shape) for i in range(3)])
        """
        let (status, output) = try Python.run(script, arguments: [book.path, torch.path])
        #expect(status == 0, "\(output)")
        #expect(output == "pt 6 affine:5,sigmoid,affine:4,sigmoid,affine:3 [[5, 6], [4, 5], [3, 4]]\n")
    }
}
