// Trains a small MultiLayerNet on XOR through Backprop's public API and fails (exit status 1)
// unless it classifies all four points right: XOR is not linearly separable, but one hidden
// layer learns it, so anything below 100% means the library is broken.

import Backprop
import Foundation

let xor = Dataset(inputs: Tensor<Float>([[0, 0], [0, 1], [1, 0], [1, 1]]),
                  labels: [0, 1, 1, 0], classCount: 2)

let network = MultiLayerNet(inputSize: 2, hiddenSizes: [8], outputSize: 2,
                            activation: .relu, weightInitialization: .he,
                            backend: FastBackend(), seed: 7)
let trainer = Trainer(network: network, optimizer: Adam<Float>(learningRate: 0.05), trainingSet: xor,
                      configuration: TrainingConfiguration(iterations: 500, batchSize: 4, seed: 7))
let history = try trainer.train()

let accuracy = network.accuracy(xor.inputs, labels: xor.labels)
let parallel = FastBackend.isParallel ? "OpenMP, \(FastBackend.threadCount) threads" : "serial (no OpenMP)"
print("C core: \(FastBackend.instructionSet), \(parallel)")
print("XOR after \(history.losses.count) iterations: loss \(history.losses.last ?? .nan), accuracy \(accuracy)")
if accuracy < 1 {
    print("XORConsumer: FAILED: XOR is learnable, expected accuracy 1.0")
    exit(1)
}
