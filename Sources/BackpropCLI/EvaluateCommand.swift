import ArgumentParser
import Backprop
import Foundation

/// `backprop evaluate --model FILE`: the accuracy of a saved model on MNIST.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the MNIST train and test accuracy of a model (from 'train --save', numpy or PyTorch).")

    @OptionGroup var modelOptions: ModelOptions
    private var model: String { modelOptions.model }

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions

    @Flag(help: "Print one JSON line: train_accuracy, test_accuracy, sizes.")
    var json = false

    func run() throws {
        kernels.apply()
        switch kernels.backend {
        case .fast: try evaluate(try modelOptions.load(on: FastBackend()))
        case .reference: try evaluate(try modelOptions.load(on: ReferenceBackend<Float>()))
        }
    }

    private func evaluate<Backend: KernelBackend>(_ imported: ImportedModel<Backend>) throws where Backend.Scalar == Float {
        let network = imported.network
        try requireFiniteParameters(of: network, in: model)
        let inputs = try modelOptions.inputs(of: imported)
        var (trainingSet, testSet) = try MNIST.load(from: try dataOptions.directory())
        try requireModel(network, in: model, fits: trainingSet.featureCount, classes: trainingSet.classCount, of: "MNIST")
        trainingSet.inputs = inputs.apply(to: trainingSet.inputs)
        testSet.inputs = inputs.apply(to: testSet.inputs)
        let trainAccuracy = accuracy(of: network, on: trainingSet)
        let testAccuracy = accuracy(of: network, on: testSet)
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        if json {
            try StandardOutput.line(try jsonLine(["train_accuracy": trainAccuracy ?? NSNull(), "test_accuracy": testAccuracy ?? NSNull(),
                                "sizes": sizes]))
        } else {
            try StandardOutput.line("model \(model) (\(network.architectureDescription)): \(accuracyText(trainAccuracy, of: .train)), "
                  + accuracyText(testAccuracy, of: .test))
        }
    }
}
