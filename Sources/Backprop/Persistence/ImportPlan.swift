import Foundation

/// What a model file holds, worked out from its names, shapes and metadata before any
/// network exists: the architecture (input shape and layer list), the output layer, and the
/// parameters and buffers under the names a network gives them (``MultiLayerNet/state``).
struct ImportPlan {
    var layout: ModelLayout
    /// The shape of one sample's input.
    var inputShape: [Int]
    /// The layers, from the file's `layers` metadata, the caller's list, or (for plain
    /// fully connected files) the shapes and the activation.
    var specs: [LayerSpec]
    /// The output units and loss: from the `output` and `loss` metadata, else the book's softmax.
    var output: OutputLayer
    /// Every parameter and buffer, named as the network names them; weights `[inputs, outputs]`.
    var state: [(name: String, tensor: Tensor<Float>)]
    var notes: [String]

    /// The plan for `file`. `layers` describes the network when the file does not (a PyTorch
    /// state dict or numpy's names do not say where activations, batch normalization or
    /// dropout stand); without either, the file must be a plain fully connected network and
    /// its hidden layers use the file's `activation` metadata, else `defaultActivation`; with
    /// neither, hidden layers are refused (a guess would run a sigmoid or tanh network as ReLU
    /// and report a wrong accuracy).
    /// `inputShape`, when given, is one sample's shape for a file that does not record it (a
    /// convolutional network's images, which no tensor's shape tells).
    init(file: SafetensorsFile, layers: [LayerSpec]? = nil, defaultActivation: Activation?,
         inputShape givenInputShape: [Int]? = nil) throws {
        let path = file.source
        notes = Self.conversionNotes(file)
        output = try Self.output(file)
        switch file.metadata["format"] {
        case ModelFile.formatName:
            layout = .backprop
            (inputShape, specs) = try Self.architecture(file)
            state = file.names.map { (name: $0, tensor: file.tensors[$0]!) }
            return
        case ModelFile.chapterFiveFormatName:
            let sizes: [Int]
            (sizes, state) = try Self.chapterFiveFormat(file)
            layout = .backprop
            inputShape = [sizes[0]]
            specs = LayerSpec.fullyConnected(hiddenSizes: Array(sizes.dropFirst().dropLast()), outputSize: sizes.last!,
                                    activation: try Self.activation(file) ?? defaultActivation ?? .relu)
            return
        default:
            break
        }
        let recorded = file.metadata["layers"] == nil ? nil : try Self.architecture(file)
        if let specs = layers ?? recorded?.specs {
            self.specs = specs
            (layout, inputShape, state) = try Self.state(of: file, specs: specs,
                                                         recordedInput: recorded?.inputShape ?? givenInputShape)
            return
        }
        let fileLayers: [LayerTensors]
        (layout, fileLayers) = try Self.layers(of: file)
        let sizes = try Self.sizes(of: fileLayers, path: path)
        state = fileLayers.enumerated().flatMap { index, layer in
            [(name: ParameterNames.name(stem: "W", layer: index), tensor: layer.bookWeight),
             (name: ParameterNames.name(stem: "b", layer: index), tensor: layer.bias.tensor)]
        }
        if let sizeText = file.metadata["sizes"], sizeText != sizes.map(String.init).joined(separator: ",") {
            throw ModelFileError.invalidMetadata(path: path, key: "sizes", value: sizeText)
        }
        inputShape = [sizes[0]]
        let activation: Activation
        if let named = try Self.activation(file) {
            activation = named
        } else if sizes.count <= 2 {
            // No hidden layer: the activation is never applied.
            activation = defaultActivation ?? .relu
        } else {
            guard let defaultActivation else { throw ModelFileError.unnamedActivation(path: path) }
            activation = defaultActivation
            notes.append("\(path): the file names no activation; the hidden layers use \(defaultActivation.rawValue)")
        }
        specs = LayerSpec.fullyConnected(hiddenSizes: Array(sizes.dropFirst().dropLast()), outputSize: sizes.last!,
                                activation: activation)
    }

    /// The activation the file's metadata names, if it names one.
    private static func activation(_ file: SafetensorsFile) throws -> Activation? {
        guard let name = file.metadata["activation"] else { return nil }
        guard let activation = Activation(rawValue: name) else {
            throw ModelFileError.invalidMetadata(path: file.source, key: "activation", value: name)
        }
        return activation
    }

    /// The input shape and layer list of the file's `input_shape` and `layers` metadata.
    private static func architecture(_ file: SafetensorsFile) throws -> (inputShape: [Int], specs: [LayerSpec]) {
        let layerText = file.metadata["layers"] ?? ""
        let specs: [LayerSpec]
        do {
            specs = try LayerSpec.list(parsing: layerText)
        } catch {
            throw ModelFileError.invalidMetadata(path: file.source, key: "layers", value: layerText)
        }
        let shapeText = file.metadata["input_shape"] ?? ""
        let shape = shapeText.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard !shape.isEmpty, shape.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ModelFileError.invalidMetadata(path: file.source, key: "input_shape", value: shapeText)
        }
        return (shape.map { $0! }, specs)
    }

    /// The state of a file without Backprop's format, read against a known layer list: the
    /// book's names as a network gives them, or PyTorch's groups of `<prefix>weight`,
    /// `<prefix>bias` (and `running_mean`, `running_var` for batch normalization) in the
    /// order of the numbers in their prefixes, one group per layer with parameters.
    private static func state(of file: SafetensorsFile, specs: [LayerSpec], recordedInput: [Int]?)
        throws -> (ModelLayout, [Int], [(name: String, tensor: Tensor<Float>)])
    {
        let path = file.source
        let names = StateNames.specNames(specs)
        if file.names.allSatisfy({ name in names.contains { $0.names.contains(name) } }) {
            // The book's names: the first weight fixes the input size (a filter bank's does not).
            let state = file.names.map { (name: $0, tensor: file.tensors[$0]!) }
            if let recordedInput { return (.backprop, recordedInput, state) }
            guard let first = file.tensors["W1"], first.rank == 2 else {
                if file.tensors["W1"]?.rank == 4 { throw ModelFileError.unknownImageShape(path: path) }
                throw SafetensorsError.missingTensor(path: path, name: "W1", available: file.names)
            }
            return (.backprop, [first.shape[0]], state)
        }
        var prefixes: [String] = []
        for name in file.names {
            guard let prefix = torchPrefix(of: name) else {
                throw ModelFileError.unrecognizedLayout(path: path, tensor: name)
            }
            if !prefixes.contains(prefix) { prefixes.append(prefix) }
        }
        let groups = try orderedByNumber(prefixes, path: path)
        guard groups.count == names.count else {
            throw ModelFileError.inconsistentShape(
                path: path, tensor: groups.last.map { $0 + "weight" } ?? "(none)",
                reason: "the file has \(groups.count) layers with parameters, the layer list \(names.count) "
                    + "(\(LayerSpec.description(of: specs)))")
        }
        var state: [(name: String, tensor: Tensor<Float>)] = []
        var inputShape = recordedInput
        for (prefix, layer) in zip(groups, names) {
            switch layer.kind {
            case .affine:
                let weight = try tensor(prefix + "weight", in: file)
                guard weight.tensor.rank == 2 else {
                    throw ModelFileError.inconsistentShape(path: path, tensor: weight.name,
                                                           reason: "has shape \(weight.tensor.shape), expected a matrix [outputs, inputs]")
                }
                if inputShape == nil { inputShape = [weight.tensor.shape[1]] }
                state.append((layer.names[0], transposed(weight.tensor)))
                state.append((layer.names[1], try tensor(prefix + "bias", in: file).tensor))
            case .convolution:
                // Conv2d's [FN, C, FH, FW] is the book's layout; the image size is in no tensor.
                let weight = try tensor(prefix + "weight", in: file)
                guard weight.tensor.rank == 4 else {
                    throw ModelFileError.inconsistentShape(path: path, tensor: weight.name,
                                                           reason: "has shape \(weight.tensor.shape), expected filters [FN, C, FH, FW]")
                }
                if inputShape == nil { throw ModelFileError.unknownImageShape(path: path) }
                state.append((layer.names[0], weight.tensor))
                state.append((layer.names[1], try tensor(prefix + "bias", in: file).tensor))
            case .batchNorm:
                let stems = ["weight", "bias", "running_mean", "running_var"]
                for (stem, name) in zip(stems, layer.names) {
                    state.append((name, try tensor(prefix + stem, in: file).tensor))
                }
            }
        }
        guard let inputShape else {
            throw ModelFileError.unrecognizedLayout(path: path, tensor: nil)
        }
        return (.torch, inputShape, state)
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
    /// I64 tensors are left out: they are PyTorch's step counters (`num_batches_tracked`),
    /// which no network reads, so their conversion tells a user nothing.
    private static func conversionNotes(_ file: SafetensorsFile) -> [String] {
        SafetensorsDType.allCases.filter { $0 != .i64 }.compactMap { dtype in
            let names = file.names.filter { file.convertedTensors[$0] == dtype }
            guard !names.isEmpty else { return nil }
            return "\(file.source): converted \(names.joined(separator: ", ")) from \(dtype.rawValue) to F32"
        }
    }

    /// A file Backprop wrote before layer lists (format v1): the sizes from the metadata, every
    /// tensor checked against them.
    /// The tensors, not the metadata, bound what is allocated: sizes such as
    /// "784,2000000000,10" are refused by the tensors actually present.
    private static func chapterFiveFormat(_ file: SafetensorsFile) throws -> ([Int], [(name: String, tensor: Tensor<Float>)]) {
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
        if let normalization = file.names.first(where: { $0.hasSuffix("running_mean") || $0.hasSuffix("num_batches_tracked") }) {
            throw ModelFileError.needsLayerList(path: path, tensor: normalization)
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

    /// `name` minus its `weight`, `bias` (or batch normalization's `running_mean`,
    /// `running_var`, `num_batches_tracked`) ending (`"net.0."` for `"net.0.weight"`), or nil.
    private static func torchPrefix(of name: String) -> String? {
        for suffix in ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"] where name.hasSuffix(suffix) {
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
