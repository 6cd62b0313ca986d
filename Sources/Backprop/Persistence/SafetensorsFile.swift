/// The contents of a safetensors file: named Float tensors and string metadata.
public struct SafetensorsFile: Sendable {
    /// The file the tensors were read from, for error messages.
    public let source: String
    /// The tensor names in the order their data is stored.
    public let names: [String]
    /// The tensors by name.
    public let tensors: [String: Tensor<Float>]
    /// The free-form `__metadata__` strings (empty when the file has none).
    public let metadata: [String: String]
    /// The tensors stored in another type than F32, with that type: their values were
    /// converted to `Float` on load (see ``SafetensorsDType``). Empty for Backprop's own files.
    public var convertedTensors: [String: SafetensorsDType] = [:]

    /// The tensor called `name`, which must have exactly `shape`.
    ///
    /// A model loader calls this for each parameter it needs, so that a file written for
    /// another architecture is refused with a message naming the tensor, instead of crashing
    /// later in a matrix product.
    public func tensor(named name: String, shape: [Int]) throws -> Tensor<Float> {
        guard let tensor = tensors[name] else {
            throw SafetensorsError.missingTensor(path: source, name: name, available: names)
        }
        guard tensor.shape == shape else {
            throw SafetensorsError.shapeMismatch(path: source, tensor: name, expected: shape, found: tensor.shape)
        }
        return tensor
    }
}
