import Foundation

extension ModelFile {
    /// The metadata keys that describe a network's architecture rather than its history.
    static let architectureKeys: Set<String> = ["format", "sizes", "activation", "output", "loss", "layers", "input_shape"]

    /// Reads the model at `url` in any layout Backprop accepts (see ``ModelLayout``) and
    /// rebuilds it on `backend`.
    ///
    /// - Backprop's own files are read as they were written.
    /// - Other files get their architecture from the tensors' shapes, checked from layer to
    ///   layer, and their hidden activation from the `activation` metadata entry when present,
    ///   else `activation`; when both are missing and the network has a hidden layer, the import
    ///   throws ``ModelFileError/unnamedActivation(path:)`` rather than guess.
    /// - F64, F16 and BF16 tensors are converted to F32, and ``ImportedModel/notes`` says so.
    ///
    /// Throws ``ModelFileError`` naming the file and the tensor that does not fit, or listing
    /// the accepted layouts when the names fit none; ``SafetensorsError`` when the file is not
    /// a readable safetensors file.
    ///
    /// `inputShape` is one sample's shape for files that do not record it and whose tensors
    /// cannot tell it: a convolutional network's image size (MNIST's `[1, 28, 28]`).
    public static func importModel<Backend: KernelBackend>(
        from url: URL, backend: Backend, layers: [LayerSpec]? = nil, activation: Activation? = nil,
        inputShape: [Int]? = nil
    ) throws -> ImportedModel<Backend> {
        let file = try Safetensors.load(from: url)
        let plan = try ImportPlan(file: file, layers: layers, defaultActivation: activation, inputShape: inputShape)
        let network: MultiLayerNet<Backend>
        do {
            network = try MultiLayerNet(architectureOf: plan.specs, inputShape: plan.inputShape,
                                        loss: plan.output.makeLoss(backend: backend), backend: backend)
        } catch {
            throw ModelFileError.inconsistentShape(path: file.source, tensor: plan.state.first?.name ?? "(none)",
                                                   reason: error.description)
        }
        do {
            try network.load(state: plan.state.map { ($0.name, Tensor<Backend.Scalar>.converting($0.tensor)) })
        } catch {
            throw ModelFileError.stateMismatch(path: file.source, layers: LayerSpec.description(of: plan.specs),
                                               problem: error)
        }
        return ImportedModel(network: network, layout: plan.layout, notes: plan.notes,
                             metadata: file.metadata.filter { !architectureKeys.contains($0.key) })
    }

    /// The parameters of `network` named and shaped as `layout` stores them: the book's
    /// `W1 b1 …` as they are, or PyTorch's `0.weight 0.bias 2.weight …` with the weights
    /// transposed to `[outputs, inputs]`.
    public static func parameters<Backend: KernelBackend>(of network: MultiLayerNet<Backend>,
                                                          layout: ModelLayout) -> [(name: String, tensor: Tensor<Float>)] {
        let state = network.state.map { (name: $0.name, tensor: Tensor<Float>.converting($0.tensor)) }
        switch layout {
        case .backprop:
            return state
        case .torch:
            // One group per layer that holds numbers, named by the layer's index in the
            // sequence, as nn.Sequential names its modules.
            let byName = Dictionary(uniqueKeysWithValues: state.map { ($0.name, $0.tensor) })
            let indices = network.spec.indices.filter {
                switch network.spec[$0] {
                case .affine, .convolution, .batchNorm: true
                case .activation, .dropout, .maxPool: false
                }
            }
            return zip(indices, StateNames.specNames(network.spec)).flatMap { index, layer in
                switch layer.kind {
                case .affine:
                    return [(name: "\(index).weight", tensor: transposed(byName[layer.names[0]]!)),
                            (name: "\(index).bias", tensor: byName[layer.names[1]]!)]
                case .convolution:
                    // Conv2d's weight is [FN, C, FH, FW] as the book's: stored as it is.
                    return [(name: "\(index).weight", tensor: byName[layer.names[0]]!),
                            (name: "\(index).bias", tensor: byName[layer.names[1]]!)]
                case .batchNorm:
                    return zip(["weight", "bias", "running_mean", "running_var"], layer.names).map { stem, name in
                        (name: "\(index).\(stem)", tensor: byName[name]!)
                    }
                }
            }
        }
    }
}

/// `matrix` (rank 2) transposed: PyTorch stores a Linear layer's weight as `[out, in]`, the
/// book as `[in, out]`. Moving elements is exact, so a round trip gives the same bits.
func transposed(_ matrix: Tensor<Float>) -> Tensor<Float> {
    precondition(matrix.rank == 2, "transposed: needs a matrix, got shape \(matrix.shape)")
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    let scalars = matrix.withUnsafeBufferPointer { source in
        [Float](unsafeUninitializedCapacity: rows * columns) { target, initialized in
            for row in 0..<rows {
                for column in 0..<columns {
                    target[column * rows + row] = source[row * columns + column]
                }
            }
            initialized = rows * columns
        }
    }
    return Tensor(shape: [columns, rows], scalars: scalars)
}
