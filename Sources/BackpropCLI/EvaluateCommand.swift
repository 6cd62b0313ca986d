import ArgumentParser
import Backprop
import Foundation

/// `backprop evaluate --model FILE`: the accuracy of a saved model on MNIST, or on a CSV file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the MNIST train and test accuracy of a model (from 'train --save', numpy or PyTorch), "
            + "or its accuracy on a CSV file (--csv FILE --label-column NAME; class names compared by name).")

    @OptionGroup var modelOptions: ModelOptions
    private var model: String { modelOptions.model }

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var csvFile: CSVFileOptions

    @Flag(help: "Print one JSON line: train_accuracy, test_accuracy, sizes (with --csv: accuracy, samples, sizes).")
    var json = false

    func validate() throws {
        if csvFile.csv != nil {
            if dataOptions.data != nil { throw ValidationError("give --csv or --data, not both") }
            if csvFile.labelColumn == nil { throw ValidationError("evaluate --csv needs --label-column NAME") }
        } else if csvFile.labelColumn != nil {
            throw ValidationError("--label-column needs --csv")
        }
    }

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
        if let csv = csvFile.csv {
            let (features, labels) = try csvFile.samples(at: csv, for: imported, from: model)
            let samples = try Dataset(features: inputs.apply(to: features).scalars, featureCount: features.columns,
                                      labels: labels!, classCount: network.outputSize)
            let csvAccuracy = accuracy(of: network, on: samples)!
            if json {
                try StandardOutput.line(try jsonLine(["accuracy": csvAccuracy, "samples": samples.count,
                                                      "sizes": network.sizes.map(String.init).joined(separator: "-")]))
            } else {
                try StandardOutput.line(String(format: "model %@ (%@): accuracy %.4f on %d samples of %@", model,
                                               network.architectureDescription, csvAccuracy, samples.count, csv))
            }
            return
        }
        var (trainingSet, testSet) = try MNIST.load(from: try dataOptions.directory())
        guard trainingSet.featureCount == network.inputSize, trainingSet.classCount == network.outputSize else {
            throw CommandError("\(model): the model takes \(network.inputSize) inputs and \(network.outputSize) classes, "
                               + "MNIST has \(trainingSet.featureCount) and \(trainingSet.classCount)")
        }
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
