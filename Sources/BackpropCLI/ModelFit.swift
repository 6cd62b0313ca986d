import Backprop

/// Refuses a model that cannot take the data it is given: another number of inputs than the
/// data has features, or of outputs than it has classes. One line naming the model file, both
/// shapes and the data (`evaluate` on MNIST, `train --initial-model` on MNIST or a CSV file).
func requireModel<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>, in path: String,
                                          fits featureCount: Int, classes classCount: Int, of data: String) throws {
    guard featureCount == network.inputSize, classCount == network.outputSize else {
        throw CommandError("\(path): the model takes \(network.inputSize) inputs and \(network.outputSize) classes, "
                           + "\(data) has \(featureCount) and \(classCount)")
    }
}
