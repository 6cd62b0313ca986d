import Foundation

/// What a model file holds, worked out from its names, shapes and metadata before any
/// network exists: the layer sizes, the activation and the parameters in the book's layout.
struct ImportPlan {
    var layout: ModelLayout
    var sizes: [Int]
    var activation: Activation
    /// The output units and loss: from the `output` and `loss` metadata, else the book's softmax.
    var output: OutputLayer
    /// `W1 b1 … Wn bn`, weights `[inputs, outputs]`.
    var parameters: [(name: String, tensor: Tensor<Float>)]
    var notes: [String]

    init(file: SafetensorsFile, defaultActivation: Activation?) throws {
        let path = file.source
        notes = Self.conversionNotes(file)
        if file.metadata["format"] == ModelFile.formatName {
            (sizes, parameters) = try Self.ownFormat(file)
            layout = .backprop
        } else {
            let layers: [LayerTensors]
            (layout, layers) = try Self.layers(of: file)
            sizes = try Self.sizes(of: layers, path: path)
            parameters = layers.enumerated().flatMap { index, layer in
                [(name: ParameterNames.name(stem: "W", layer: index), tensor: layer.bookWeight),
                 (name: ParameterNames.name(stem: "b", layer: index), tensor: layer.bias.tensor)]
            }
            if let sizeText = file.metadata["sizes"], sizeText != sizes.map(String.init).joined(separator: ",") {
                throw ModelFileError.invalidMetadata(path: path, key: "sizes", value: sizeText)
            }
        }
        output = try Self.output(file)
        if let name = file.metadata["activation"] {
            guard let activation = Activation(rawValue: name) else {
                throw ModelFileError.invalidMetadata(path: path, key: "activation", value: name)
            }
            self.activation = activation
        } else if sizes.count <= 2 {
            // No hidden layer: the activation is never applied.
            activation = defaultActivation ?? .relu
        } else {
            // A guess would run a sigmoid or tanh network as ReLU and report a wrong accuracy.
            guard let defaultActivation else { throw ModelFileError.unnamedActivation(path: path) }
            activation = defaultActivation
            notes.append("\(path): the file names no activation; the hidden layers use \(defaultActivation.rawValue)")
        }
    }

    /// The output layer the metadata names, softmax with cross-entropy when it names none.
    private static func output(_ file: SafetensorsFile) throws -> OutputLayer {
        let (outputName, lossName) = (file.metadata["output"], file.metadata["loss"])
        guard outputName != nil || lossName != nil else { return .softmaxCrossEntropy }
        guard let activation = OutputLayer.Activation(rawValue: outputName ?? "") else {
            throw ModelFileError.invalidMetadata(path: file.source, key: "output", value: outputName ?? "")
        }
        var loss: OutputLayer.LossFunction?
        if let lossName {
            guard let named = OutputLayer.LossFunction(rawValue: lossName) else {
                throw ModelFileError.invalidMetadata(path: file.source, key: "loss", value: lossName)
            }
            loss = named
        }
        do {
            return try OutputLayer(activation: activation, loss: loss)
        } catch {
            throw ModelFileError.invalidMetadata(path: file.source, key: "loss", value: lossName ?? "")
        }
    }

    /// One note per source dtype listing the tensors converted from it.
    private static func conversionNotes(_ file: SafetensorsFile) -> [String] {
        SafetensorsDType.allCases.compactMap { dtype in
            let names = file.names.filter { file.convertedTensors[$0] == dtype }
            guard !names.isEmpty else { return nil }
            return "\(file.source): converted \(names.joined(separator: ", ")) from \(dtype.rawValue) to F32"
        }
    }

    /// A file Backprop wrote: the sizes from the metadata, every tensor checked against them.
    /// The tensors, not the metadata, bound what is allocated: sizes such as
    /// "784,2000000000,10" are refused by the tensors actually present.
    private static func ownFormat(_ file: SafetensorsFile) throws -> ([Int], [(name: String, tensor: Tensor<Float>)]) {
        let sizeText = file.metadata["sizes"] ?? ""
        let sizes = sizeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.count >= 2, sizes.count == sizeText.split(separator: ",").count, sizes.allSatisfy({ $0 > 0 }) else {
            throw ModelFileError.invalidMetadata(path: file.source, key: "sizes", value: sizeText)
        }
        let expected = ParameterNames.shapes(sizes: sizes)
        let expectedNames = Set(expected.map(\.name))
        if let extra = file.names.first(where: { !expectedNames.contains($0) }) {
            throw ModelFileError.unexpectedTensor(path: file.source, name: extra, expected: expected.map(\.name))
        }
        let parameters = try expected.map { name, shape in
            (name: name, tensor: try file.tensor(named: name, shape: shape))
        }
        return (sizes, parameters)
    }

    /// One affine layer as a file stores it.
    struct LayerTensors {
        var weight: (name: String, tensor: Tensor<Float>)
        var bias: (name: String, tensor: Tensor<Float>)
        /// True when the weight is `[outputs, inputs]` (PyTorch), false for `[inputs, outputs]`.
        var isTransposed: Bool

        var inputs: Int { weight.tensor.shape[isTransposed ? 1 : 0] }
        var outputs: Int { weight.tensor.shape[isTransposed ? 0 : 1] }
        var bookWeight: Tensor<Float> { isTransposed ? transposed(weight.tensor) : weight.tensor }
    }

    /// The layers of a file without Backprop's metadata, in order, and its layout.
    private static func layers(of file: SafetensorsFile) throws -> (ModelLayout, [LayerTensors]) {
        let path = file.source
        guard !file.names.isEmpty else {
            throw ModelFileError.unrecognizedLayout(path: path, tensor: nil)
        }
        if let layers = try bookLayers(of: file) {
            return (.backprop, layers)
        }
        // PyTorch: group `<prefix>weight` and `<prefix>bias` by prefix.
        var prefixes: [String] = []
        for name in file.names {
            guard let prefix = torchPrefix(of: name) else {
                // Name the tensor that fits neither layout; a book name among PyTorch ones
                // only when the file mixes the two.
                let stranger = file.names.first { !isBookName($0) && torchPrefix(of: $0) == nil }
                throw ModelFileError.unrecognizedLayout(path: path, tensor: stranger ?? name)
            }
            if !prefixes.contains(prefix) { prefixes.append(prefix) }
        }
        let ordered = try orderedByNumber(prefixes, path: path)
        let layers = try ordered.map { prefix in
            LayerTensors(weight: try tensor(prefix + "weight", in: file), bias: try tensor(prefix + "bias", in: file),
                         isTransposed: true)
        }
        return (.torch, layers)
    }

    /// The layers of a file named `W1 b1 … Wn bn`, or nil when its names are not the book's.
    private static func bookLayers(of file: SafetensorsFile) throws -> [LayerTensors]? {
        guard file.names.allSatisfy(isBookName) else { return nil }
        let count = file.names.filter { $0.hasPrefix("W") }.count
        // Every name is W<k> or b<k> with k >= 1: a k beyond the W count is a gap in the numbering.
        if let stray = file.names.first(where: { Int($0.dropFirst())! > count }) {
            throw ModelFileError.inconsistentShape(
                path: file.source, tensor: stray, reason: "the file has \(count) weight matrices (W1 ... W\(count))")
        }
        return try (0..<count).map { index in
            LayerTensors(weight: try tensor(ParameterNames.name(stem: "W", layer: index), in: file),
                         bias: try tensor(ParameterNames.name(stem: "b", layer: index), in: file), isTransposed: false)
        }
    }

    /// Whether `name` is one of the book's `W1`, `b1`, `W2`, … (no leading zeros).
    private static func isBookName(_ name: String) -> Bool {
        guard let first = name.first, first == "W" || first == "b" else { return false }
        return Int(name.dropFirst()).map { $0 >= 1 && String($0) == name.dropFirst() } ?? false
    }

    /// `name` minus its `weight` or `bias` ending (`"net.0."` for `"net.0.weight"`), or nil.
    private static func torchPrefix(of name: String) -> String? {
        for suffix in ["weight", "bias"] where name.hasSuffix(suffix) {
            let prefix = String(name.dropLast(suffix.count))
            if prefix.isEmpty || prefix.hasSuffix(".") { return prefix }
        }
        return nil
    }

    /// The prefixes sorted by the numbers in them, when they differ in nothing else
    /// (`0.` `2.` `10.`, or `fc1.` `fc2.`); otherwise their order is a guess, and refused.
    private static func orderedByNumber(_ prefixes: [String], path: String) throws -> [String] {
        func split(_ prefix: String) -> (skeleton: String, numbers: [Int]) {
            var skeleton = "", numbers: [Int] = [], digits = ""
            for character in prefix + " " {
                if character.isASCII && character.isNumber {
                    digits.append(character)
                    continue
                }
                if !digits.isEmpty {
                    numbers.append(Int(digits) ?? Int.max)
                    skeleton += "#"
                    digits = ""
                }
                skeleton.append(character)
            }
            return (skeleton, numbers)
        }
        let keyed = prefixes.map { (prefix: $0, key: split($0)) }
        for other in keyed.dropFirst() where other.key.skeleton != keyed[0].key.skeleton {
            throw ModelFileError.ambiguousOrder(path: path, first: keyed[0].prefix + "weight", second: other.prefix + "weight")
        }
        return keyed.sorted { $0.key.numbers.lexicographicallyPrecedes($1.key.numbers) }.map(\.prefix)
    }

    private static func tensor(_ name: String, in file: SafetensorsFile) throws -> (name: String, tensor: Tensor<Float>) {
        guard let tensor = file.tensors[name] else {
            throw SafetensorsError.missingTensor(path: file.source, name: name, available: file.names)
        }
        return (name, tensor)
    }

    /// The layer widths, after checking that each layer's shapes fit the one before.
    private static func sizes(of layers: [LayerTensors], path: String) throws -> [Int] {
        var sizes: [Int] = []
        for (index, layer) in layers.enumerated() {
            let (weight, bias) = (layer.weight, layer.bias)
            let order = layer.isTransposed ? "[outputs, inputs]" : "[inputs, outputs]"
            guard weight.tensor.rank == 2, weight.tensor.shape.allSatisfy({ $0 > 0 }) else {
                throw ModelFileError.inconsistentShape(
                    path: path, tensor: weight.name,
                    reason: "has shape \(weight.tensor.shape), expected a non-empty matrix \(order)")
            }
            guard bias.tensor.shape == [layer.outputs] else {
                throw ModelFileError.inconsistentShape(
                    path: path, tensor: bias.name,
                    reason: "has shape \(bias.tensor.shape), expected [\(layer.outputs)] (the outputs of '\(weight.name)')")
            }
            if index == 0 {
                sizes.append(layer.inputs)
            } else if layer.inputs != sizes[index] {
                throw ModelFileError.inconsistentShape(
                    path: path, tensor: weight.name,
                    reason: "has shape \(weight.tensor.shape) \(order): it takes \(layer.inputs) inputs, "
                        + "but '\(layers[index - 1].weight.name)' gives \(sizes[index]) outputs")
            }
            sizes.append(layer.outputs)
        }
        return sizes
    }
}
