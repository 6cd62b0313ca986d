import Backprop

/// Refuses a model whose parameters hold NaN or infinite values: its predictions are
/// meaningless (every score NaN, the argmax arbitrary), so its "accuracy" would mislead.
/// The line names the file, the first such tensor and how many values are affected.
func requireFiniteParameters<Backend: KernelBackend>(of network: MultiLayerNet<Backend>, in path: String) throws {
    for (name, tensor) in network.parameters {
        let bad = tensor.scalars.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        if bad > 0 {
            throw CommandError("\(path): tensor '\(name)' holds \(bad) NaN or infinite value\(bad == 1 ? "" : "s"); "
                               + "the model's predictions would be meaningless")
        }
    }
}
