import ArgumentParser
import Backprop
import Foundation

/// `backprop evaluate --model FILE`: the accuracy of a saved model on MNIST.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the train and test accuracy of a model saved with 'train --save'.")

    @Option(help: ArgumentHelp("The model file (safetensors, from 'train --save').", valueName: "file"))
    var model: String

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions

    @Flag(help: "Print one JSON line: train_accuracy, test_accuracy, sizes.")
    var json = false

    func run() throws {
        kernels.apply()
        let url = URL(fileURLWithPath: model)
        switch kernels.backend {
        case .fast: try evaluate(try ModelFile.load(from: url, backend: FastBackend()))
        case .reference: try evaluate(try ModelFile.load(from: url, backend: ReferenceBackend<Float>()))
        }
    }

    private func evaluate<Backend: KernelBackend>(_ network: MultiLayerNet<Backend>) throws where Backend.Scalar == Float {
        try requireFiniteParameters(of: network, in: model)
        let (trainingSet, testSet) = try MNIST.load(from: try dataOptions.directory())
        guard trainingSet.featureCount == network.inputSize, trainingSet.classCount == network.outputSize else {
            throw CommandError("\(model): the model takes \(network.inputSize) inputs and \(network.outputSize) classes, "
                               + "MNIST has \(trainingSet.featureCount) and \(trainingSet.classCount)")
        }
        let trainAccuracy = network.accuracy(trainingSet.inputs, labels: trainingSet.labels)
        let testAccuracy = testSet.count > 0 ? network.accuracy(testSet.inputs, labels: testSet.labels) : nil
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        if json {
            print(try jsonLine(["train_accuracy": trainAccuracy, "test_accuracy": testAccuracy ?? NSNull(), "sizes": sizes]))
        } else {
            let testText = testAccuracy.map { String(format: "test accuracy %.4f", $0) }
                ?? "no test set (\(MNIST.Split.test.imagesFileName) holds no images)"
            print(String(format: "model %@ (%@ %@): train accuracy %.4f, %@",
                         model, sizes, network.activation.rawValue, trainAccuracy, testText))
        }
    }
}
