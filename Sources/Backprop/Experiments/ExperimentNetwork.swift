/// The networks of the book's chapter 6 experiments: its `MultiLayerNet` and
/// `MultiLayerNetExtend` as layer lists on the C core, with weights drawn from a generator
/// seeded with the run's seed, so every setting of an experiment starts from the same draws
/// (scaled by its own initialization) and the settings differ only in what is compared.
enum ExperimentNetwork {
    /// A fully connected network for `trainingSet`'s samples and classes: `hiddenSizes` ReLU
    /// layers, optionally with batch normalization before and dropout after each activation.
    static func make(for trainingSet: Dataset, hiddenSizes: [Int], weightInitialization: WeightInitialization,
                     batchNorm: Bool = false, dropoutRatio: Double? = nil, seed: UInt64) -> MultiLayerNet<FastBackend> {
        precondition(!hiddenSizes.isEmpty && hiddenSizes.allSatisfy { $0 > 0 },
                     "experiment: hidden sizes must be positive, got \(hiddenSizes)")
        var generator = SeededGenerator(seed: seed)
        let specs = LayerSpec.fullyConnected(hiddenSizes: hiddenSizes, outputSize: trainingSet.classCount,
                                             activation: .relu, batchNorm: batchNorm, dropoutRatio: dropoutRatio)
        do {
            return try MultiLayerNet(inputShape: [trainingSet.featureCount], layers: specs,
                                     weightInitialization: weightInitialization, backend: FastBackend(),
                                     generator: &generator)
        } catch {
            preconditionFailure("experiment: \(error)")
        }
    }
}
