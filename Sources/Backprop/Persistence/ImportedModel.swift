/// A network read from a model file in any accepted layout, with what the reader had to
/// decide or convert on the way.
public struct ImportedModel<Backend: KernelBackend> {
    /// The network, its parameters equal to the file's (converted to `Float` where stored in
    /// another type, transposed where stored PyTorch's way).
    public let network: MultiLayerNet<Backend>
    /// The layout the file was found to have.
    public let layout: ModelLayout
    /// Sentences about the import worth telling a user: tensors converted from another
    /// dtype, an activation assumed because the file does not name one. Empty for a file
    /// Backprop wrote itself.
    public let notes: [String]
    /// The file's free-form metadata (for example the accuracy recorded at training), without
    /// the entries that describe the architecture; ``ModelFile/save(_:to:layout:metadata:)``
    /// takes it back, so a conversion keeps it.
    public let metadata: [String: String]
}
