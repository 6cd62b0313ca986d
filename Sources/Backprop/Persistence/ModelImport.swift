import Foundation

extension ModelFile {
    /// The metadata keys that describe a network's architecture rather than its history.
    static let architectureKeys: Set<String> = ["format", "sizes", "activation", "output", "loss"]

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
    public static func importModel<Backend: KernelBackend>(
        from url: URL, backend: Backend, activation: Activation? = nil
    ) throws -> ImportedModel<Backend> {
        let file: SafetensorsFile
        do {
            file = try Safetensors.load(from: url)
        } catch SafetensorsError.unsupportedDType(let path, let tensor, _) where tensor.hasSuffix("num_batches_tracked") {
            // PyTorch's BatchNorm1d keeps an I64 step counter; the dtype is not the problem, the layer is.
            throw ModelFileError.unsupportedLayer(path: path, tensor: tensor, layer: "batch normalization (BatchNorm1d)")
        }
        let plan = try ImportPlan(file: file, defaultActivation: activation)
        let affineParameters = stride(from: 0, to: plan.parameters.count, by: 2).map { index in
            (weights: Tensor<Backend.Scalar>.converting(plan.parameters[index].tensor),
             bias: Tensor<Backend.Scalar>.converting(plan.parameters[index + 1].tensor))
        }
        let network = MultiLayerNet(affineParameters: affineParameters, activation: plan.activation,
                                    loss: plan.output.makeLoss(backend: backend), backend: backend)
        return ImportedModel(network: network, layout: plan.layout, notes: plan.notes,
                             metadata: file.metadata.filter { !architectureKeys.contains($0.key) })
    }

    /// The parameters of `network` named and shaped as `layout` stores them: the book's
    /// `W1 b1 …` as they are, or PyTorch's `0.weight 0.bias 2.weight …` with the weights
    /// transposed to `[outputs, inputs]`.
    public static func parameters<Backend: KernelBackend>(of network: MultiLayerNet<Backend>,
                                                          layout: ModelLayout) -> [(name: String, tensor: Tensor<Float>)] {
        let parameters = network.parameters.map { (name: $0.name, tensor: Tensor<Float>.converting($0.tensor)) }
        switch layout {
        case .backprop:
            return parameters
        case .torch:
            return stride(from: 0, to: parameters.count, by: 2).flatMap { index in
                let layer = index / 2
                return [(name: "\(2 * layer).weight", tensor: transposed(parameters[index].tensor)),
                        (name: "\(2 * layer).bias", tensor: parameters[index + 1].tensor)]
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
