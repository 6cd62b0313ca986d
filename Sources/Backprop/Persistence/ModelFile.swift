import Foundation

/// A trained ``MultiLayerNet`` as a safetensors file: its state (``MultiLayerNet/state``: the
/// parameters W1 b1 … and buffers such as running_mean1) as F32 tensors (numpy and PyTorch
/// read them directly) and the architecture in the metadata (`format`, `input_shape` such as
/// "784", `layers` such as "affine:50,relu,affine:10", and `output` and `loss` for output
/// units other than the book's softmax), so a file alone rebuilds the network. Files of the
/// chapter-5 format (`sizes` and `activation` instead of `layers`) are still read.
///
/// Files from elsewhere load too: numpy's `W1 b1 …` without metadata and PyTorch state
/// dicts (see ``ModelLayout``), in F32, F64, F16 or BF16.
public enum ModelFile {
    /// The `format` metadata value this type writes and accepts.
    public static let formatName = "backprop.network.v2"

    /// The format of files written before networks were layer lists: fully connected, its
    /// architecture in `sizes` ("784,50,10") and `activation`. Read, no longer written.
    public static let chapterFiveFormatName = "backprop.multilayer-net.v1"

    /// Saves `network` to `url` atomically (a temporary file renamed over `url`, so an
    /// interrupted save leaves the previous file intact), in `layout`: Backprop's own by
    /// default, or PyTorch's, which `model.load_state_dict(safetensors.torch.load_file(url))`
    /// reads into the matching `nn.Sequential`. `metadata` adds free-form entries, for example
    /// the accuracy reached; the architecture keys cannot be overridden.
    public static func save<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>, to url: URL,
                                                    layout: ModelLayout = .backprop,
                                                    metadata: [String: String] = [:]) throws {
        let (tensors, entries) = contents(of: network, layout: layout, metadata: metadata)
        try Safetensors.save(tensors, metadata: entries, to: url)
    }

    /// The bytes ``save(_:to:layout:metadata:)`` writes, for callers that write several files
    /// together (see ``OutputSet``).
    public static func encode<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>,
                                                      layout: ModelLayout = .backprop,
                                                      metadata: [String: String] = [:]) -> Data {
        let (tensors, entries) = contents(of: network, layout: layout, metadata: metadata)
        return Safetensors.encode(tensors, metadata: entries)
    }

    /// The tensors and metadata of the file for `network` in `layout`.
    private static func contents<Backend: KernelBackend>(of network: MultiLayerNet<Backend>, layout: ModelLayout,
                                                         metadata: [String: String])
        -> (tensors: [(name: String, tensor: Tensor<Float>)], metadata: [String: String])
    {
        var entries = metadata
        // PyTorch's own tools write "pt"; the architecture keys let Backprop read the file back
        // with its activation.
        entries["format"] = layout == .backprop ? formatName : "pt"
        entries["input_shape"] = network.inputShape.map(String.init).joined(separator: "x")
        entries["layers"] = LayerSpec.description(of: network.spec)
        // The book's softmax output is the default and not written, so its files stay as they were.
        if let output = network.output, output != .softmaxCrossEntropy {
            entries["output"] = output.activation.rawValue
            entries["loss"] = output.lossFunction.rawValue
        }
        return (parameters(of: network, layout: layout), entries)
    }

    /// Rebuilds the network stored at `url` on `backend`: a file Backprop saved, or one in
    /// another accepted layout (see ``importModel(from:backend:layers:activation:inputShape:)``, which also
    /// returns what the import converted or assumed). `activation` is used only when the file
    /// does not name one; a file with hidden layers that names none needs it. Throws
    /// ``ModelFileError`` or ``SafetensorsError`` naming the file.
    public static func load<Backend: KernelBackend>(from url: URL, backend: Backend,
                                                    activation: Activation? = nil) throws -> MultiLayerNet<Backend> {
        try importModel(from: url, backend: backend, activation: activation).network
    }
}

/// Why a safetensors file is not a model this library can rebuild. Each message names the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The tensor names fit none of the accepted layouts (`tensor` is the first that fits
    /// none, nil for a file without tensors).
    case unrecognizedLayout(path: String, tensor: String?)
    /// A tensor's shape does not fit the network the other tensors describe.
    case inconsistentShape(path: String, tensor: String, reason: String)
    /// Two layers' names do not say which comes first (they differ in more than a number).
    case ambiguousOrder(path: String, first: String, second: String)
    /// A metadata entry the architecture needs is malformed.
    case invalidMetadata(path: String, key: String, value: String)
    /// The file holds a tensor the described network has no place for.
    case unexpectedTensor(path: String, name: String, expected: [String])
    /// The file holds layers (batch normalization) whose place in the network its tensors do
    /// not tell: the user must describe the network with a layer list.
    case needsLayerList(path: String, tensor: String)
    /// The network starts with a convolution, and neither the file nor the caller gives the
    /// size of its images, which no filter's shape tells.
    case unknownImageShape(path: String)
    /// The tensors do not fit the network the layer list describes.
    case stateMismatch(path: String, layers: String, problem: NetworkParameterError)
    /// The network has hidden layers, but neither the file nor the caller names their activation.
    case unnamedActivation(path: String)

    public var description: String {
        switch self {
        case .unrecognizedLayout(let path, let tensor):
            return "\(path): not a model Backprop can read: "
                + (tensor.map { "tensor '\($0)' fits no accepted layout" } ?? "the file holds no tensors")
                + "; accepted are \(ModelLayout.acceptedDescription)"
        case .inconsistentShape(let path, let tensor, let reason):
            return "\(path): tensor '\(tensor)' does not fit the network: \(reason)"
        case .ambiguousOrder(let path, let first, let second):
            return "\(path): cannot tell whether '\(first)' or '\(second)' comes first: layer names must differ "
                + "only in a number (0.weight, 2.weight or fc1.weight, fc2.weight)"
        case .invalidMetadata(let path, let key, let value):
            return "\(path): invalid model metadata \(key)='\(MessageText.excerpt(value))'"
        case .unexpectedTensor(let path, let name, let expected):
            let listed = expected.count <= 8 ? expected.joined(separator: " ")
                : expected.prefix(8).joined(separator: " ") + " and \(expected.count - 8) more"
            return "\(path): unexpected tensor '\(name)' (the network described by the metadata has \(listed))"
        case .stateMismatch(let path, let layers, let problem):
            return "\(path): the tensors do not fit the layers \(layers): \(problem)"
        case .needsLayerList(let path, let tensor):
            return "\(path): tensor '\(tensor)' belongs to a batch normalization layer, whose place in the network "
                + "the file does not record; describe the network with --layers (for example affine:100,batchnorm,relu,affine:10)"
        case .unknownImageShape(let path):
            return "\(path): the network starts with a convolution and the file does not record its images' shape; "
                + "give the data's shape (MNIST's is 1x28x28)"
        case .unnamedActivation(let path):
            return "\(path): the file does not name the hidden layers' activation, and it is not guessed"
        }
    }
}
