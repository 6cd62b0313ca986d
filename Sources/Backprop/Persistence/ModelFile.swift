import Foundation

/// A trained ``MultiLayerNet`` as a safetensors file: the parameters W1 b1 … Wn bn as F32
/// tensors (numpy and PyTorch read them directly) and the architecture in the metadata
/// (`format`, `sizes` such as "784,50,10", `activation`), so a file alone rebuilds the network.
public enum ModelFile {
    /// The `format` metadata value this type writes and accepts.
    public static let formatName = "backprop.multilayer-net.v1"

    /// Saves `network` to `url` atomically (a temporary file renamed over `url`, so an
    /// interrupted save leaves the previous file intact). `metadata` adds free-form entries,
    /// for example the accuracy reached; the architecture keys cannot be overridden.
    public static func save<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>, to url: URL,
                                                    metadata: [String: String] = [:]) throws {
        let (tensors, entries) = contents(of: network, metadata: metadata)
        try Safetensors.save(tensors, metadata: entries, to: url)
    }

    /// The bytes ``save(_:to:metadata:)`` writes, for callers that write several files
    /// together (see ``OutputSet``).
    public static func encode<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>,
                                                      metadata: [String: String] = [:]) -> Data {
        let (tensors, entries) = contents(of: network, metadata: metadata)
        return Safetensors.encode(tensors, metadata: entries)
    }

    /// The tensors and metadata of the file for `network`.
    private static func contents<Backend: KernelBackend>(of network: MultiLayerNet<Backend>, metadata: [String: String])
        -> (tensors: [(name: String, tensor: Tensor<Float>)], metadata: [String: String])
    {
        let tensors = network.parameters.map { (name: $0.name, tensor: Tensor<Float>.converting($0.tensor)) }
        var entries = metadata
        entries["format"] = formatName
        entries["sizes"] = network.sizes.map(String.init).joined(separator: ",")
        entries["activation"] = network.activation.rawValue
        return (tensors, entries)
    }

    /// Rebuilds the network stored at `url` on `backend`. Throws ``ModelFileError`` when the
    /// metadata does not describe a network, or ``SafetensorsError`` (naming the file and the
    /// tensor) when a parameter is missing, has the wrong shape, or the file is damaged.
    public static func load<Backend: KernelBackend>(from url: URL, backend: Backend) throws -> MultiLayerNet<Backend> {
        let file = try Safetensors.load(from: url)
        guard file.metadata["format"] == formatName else {
            throw ModelFileError.notAModel(path: url.path, format: file.metadata["format"])
        }
        let sizeText = file.metadata["sizes"] ?? ""
        let sizes = sizeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.count >= 2, sizes.count == sizeText.split(separator: ",").count, sizes.allSatisfy({ $0 > 0 }) else {
            throw ModelFileError.invalidMetadata(path: url.path, key: "sizes", value: sizeText)
        }
        guard let activation = Activation(rawValue: file.metadata["activation"] ?? "") else {
            throw ModelFileError.invalidMetadata(path: url.path, key: "activation", value: file.metadata["activation"] ?? "")
        }
        // Every tensor is checked against the sizes before the network exists: the network
        // allocates its weights from the metadata alone, and sizes such as "784,2000000000,10"
        // must be refused by the tensors actually present, not by an allocation of terabytes.
        let expected = ParameterNames.shapes(sizes: sizes)
        let expectedNames = Set(expected.map(\.name))
        if let extra = file.names.first(where: { !expectedNames.contains($0) }) {
            throw ModelFileError.unexpectedTensor(path: url.path, name: extra, expected: expected.map(\.name))
        }
        let loaded = try expected.map { name, shape in
            (name: name, tensor: Tensor<Backend.Scalar>.converting(try file.tensor(named: name, shape: shape)))
        }
        let network = MultiLayerNet(inputSize: sizes[0], hiddenSizes: Array(sizes.dropFirst().dropLast()),
                                    outputSize: sizes[sizes.count - 1], activation: activation,
                                    weightInitialization: .standardDeviation(0), backend: backend, seed: 0)
        try network.load(parameters: loaded)
        return network
    }
}

/// Why a safetensors file is not a model this library can rebuild. Each message names the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The `format` metadata is absent or names another format.
    case notAModel(path: String, format: String?)
    /// A metadata entry the architecture needs is malformed.
    case invalidMetadata(path: String, key: String, value: String)
    /// The file holds a tensor the described network has no place for.
    case unexpectedTensor(path: String, name: String, expected: [String])

    public var description: String {
        switch self {
        case .notAModel(let path, let format):
            return "\(path): not a Backprop model (metadata format is \(format.map { "'\($0)'" } ?? "missing"), "
                + "expected '\(ModelFile.formatName)')"
        case .invalidMetadata(let path, let key, let value):
            return "\(path): invalid model metadata \(key)='\(value)'"
        case .unexpectedTensor(let path, let name, let expected):
            return "\(path): unexpected tensor '\(name)' (the network described by the metadata has \(expected.joined(separator: " ")))"
        }
    }
}
