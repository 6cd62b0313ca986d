/// How a network names its layers' parameters and buffers: per stem, in layer order, as the
/// book does. Affine layers are numbered among layers whose first stem is "W" (W1 b1, W2 b2,
/// …), batch normalization among layers whose first stem is "gamma" (gamma1 beta1
/// running_mean1 running_var1, …), so the book's `MultiLayerNetExtend` names come out as in
/// its code, and a convolution (also "W") takes its place in the W numbering.
enum StateNames {
    /// The name of a layer's parameter or buffer: stem "W" and number 1 give "W1".
    static func name(stem: String, number: Int) -> String { "\(stem)\(number)" }

    /// For each layer with parameters or buffers, its 1-based number among the layers of the
    /// same first stem; nil for layers with neither.
    static func numbers<Backend: KernelBackend>(of layers: [any Layer<Backend>]) -> [Int?] {
        var counts: [String: Int] = [:]
        return layers.map { layer in
            guard let stem = firstStem(of: layer) else { return nil }
            counts[stem, default: 0] += 1
            return counts[stem]!
        }
    }

    /// Every buffer of `layers` with its name, in layer order.
    static func buffers<Backend: KernelBackend>(of layers: [any Layer<Backend>])
        -> [(name: String, layer: any BufferedLayer<Backend>, index: Int)]
    {
        zip(layers, numbers(of: layers)).flatMap { layer, number in
            guard let buffered = layer as? any BufferedLayer<Backend>, let number else {
                return [(name: String, layer: any BufferedLayer<Backend>, index: Int)]()
            }
            return buffered.bufferStems.enumerated().map { index, stem in
                (name: name(stem: stem, number: number), layer: buffered, index: index)
            }
        }
    }

    private static func firstStem<Backend: KernelBackend>(of layer: any Layer<Backend>) -> String? {
        (layer as? any ParameterizedLayer<Backend>)?.parameterStems.first
            ?? (layer as? any BufferedLayer<Backend>)?.bufferStems.first
    }
}

extension StateNames {
    /// An affine layer's parameter stems (the book's W and b).
    static let affineStems = ["W", "b"]
    /// Batch normalization's parameter stems (the book's gamma and beta).
    static let batchNormParameterStems = ["gamma", "beta"]
    /// Batch normalization's buffer stems (the book's attribute names).
    static let batchNormBufferStems = ["running_mean", "running_var"]

    /// The kinds of layer that hold numbers a model file stores.
    enum StoredKind { case affine, convolution, batchNorm }

    /// For each item of `specs` that holds parameters or buffers, its kind and the names its
    /// numbers get in the network built from `specs` (parameters, then buffers): what a file
    /// that does not name its tensors the network's way is matched against.
    static func specNames(_ specs: [LayerSpec]) -> [(kind: StoredKind, names: [String])] {
        var counts: [String: Int] = [:]
        return specs.compactMap { spec in
            let kind: StoredKind, stems: [String]
            switch spec {
            case .affine: (kind, stems) = (.affine, affineStems)
            case .convolution: (kind, stems) = (.convolution, affineStems)
            case .batchNorm: (kind, stems) = (.batchNorm, batchNormParameterStems + batchNormBufferStems)
            case .activation, .dropout, .maxPool: return nil
            }
            counts[stems[0], default: 0] += 1
            return (kind, stems.map { name(stem: $0, number: counts[stems[0]]!) })
        }
    }
}
