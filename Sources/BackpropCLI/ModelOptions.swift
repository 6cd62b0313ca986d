import ArgumentParser
import Backprop
import Foundation

extension ModelLayout: ExpressibleByArgument {}

/// `--model FILE`, `--activation` and `--input-mean`/`--input-std`: a model in any layout
/// Backprop reads (its own files, numpy's W1 b1 …, PyTorch state dicts), with what a file
/// from elsewhere does not say, for the commands that use a trained model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The model file: safetensors from 'train --save', numpy (W1 b1 ...) or a PyTorch nn.Sequential state dict.",
        valueName: "file"))
    var model: String

    @Option(help: ArgumentHelp(
        "Hidden-layer activation of a file that does not name one (numpy, PyTorch): relu, sigmoid or tanh.",
        discussion: "Required for such a file; 'convert --activation' writes it into the file.",
        valueName: "activation"))
    var activation: Activation?

    @Option(help: ArgumentHelp(
        "The network, for a file that does not record it (a PyTorch state dict with BatchNorm1d or Dropout): "
            + "comma-separated layers as 'train --layers' takes them, e.g. affine:100,batchnorm,relu,dropout:0.5:inverted,affine:10. "
            + "PyTorch's BatchNorm1d uses eps 1e-5: write batchnorm:eps=1e-05.",
        valueName: "spec"))
    var layers: String?

    @Option(name: .customLong("input-mean"), help: ArgumentHelp(
        "The mean the model's inputs were standardized with: one number, or one per feature, comma-separated "
            + "(PyTorch's MNIST: 0.1307). Stored in the file by 'convert'.", valueName: "mean"))
    var inputMean: FeatureValues?

    @Option(name: .customLong("input-std"), help: ArgumentHelp(
        "The standard deviation the inputs were standardized with, likewise (PyTorch's MNIST: 0.3081).",
        valueName: "std"))
    var inputStd: FeatureValues?

    func validate() throws {
        if let layers {
            do {
                _ = try LayerSpec.list(parsing: layers)
            } catch {
                throw ValidationError("--layers: \(error)")
            }
        }
        if let inputStd, inputStd.values.contains(where: { $0 <= 0 }) {
            throw ValidationError("--input-std must be positive, got \(inputStd.values.map(\.description).joined(separator: ","))")
        }
    }

    /// The model on `backend`; what the import converted or assumed goes to stderr as notes.
    /// A file with hidden layers that names no activation needs `--activation`: a guess would
    /// give a wrong accuracy with exit 0.
    func load<Backend: KernelBackend>(on backend: Backend) throws -> ImportedModel<Backend> {
        try Self.load(model, layers: layers, activation: activation, on: backend)
    }

    /// The model file `model` on `backend`, read with the network `layers` (as `--layers`
    /// gives it) and the hidden `activation`, if given, for files that do not record them:
    /// ``load(on:)`` for commands that take these options in their own way (`filters`, and
    /// `train --initial-model`, which reads the file a second time on its backend without
    /// repeating the notes).
    static func load<Backend: KernelBackend>(_ model: String, layers: String?, activation: Activation?,
                                             on backend: Backend, notes: Bool = true) throws -> ImportedModel<Backend> {
        let imported: ImportedModel<Backend>
        do {
            let specs = try layers.map { try LayerSpec.list(parsing: $0) }
            // A convolutional state dict does not tell its images' size: MNIST's 1x28x28.
            imported = try ModelFile.importModel(from: URL(fileURLWithPath: model), backend: backend, layers: specs,
                                                 activation: activation,
                                                 inputShape: try specs.map { try LayerSpec.inputShape(of: $0, features: 784, option: "--layers") })
        } catch ModelFileError.unnamedActivation(let path) {
            throw CommandError("\(path): the file does not name the hidden layers' activation; state it with "
                               + "--activation relu|sigmoid|tanh ('convert --activation' writes it into the file)")
        }
        for note in imported.notes where notes && (activation == nil || !note.contains("the file names no activation")) {
            writeToStandardError("backprop: note: \(note)\n")
        }
        return imported
    }

    /// How `model`'s inputs are made: as its file stores it, with `--input-mean`/`--input-std`
    /// in place of a stored standardization when given (a missing one of the two is 0 or 1).
    func inputs(of model: ImportedModel<some KernelBackend>) throws -> ModelInputs {
        let featureCount = model.network.inputSize
        var inputs = try ModelInputs(metadata: model.metadata, featureCount: featureCount, source: self.model)
        if inputMean != nil || inputStd != nil {
            func expanded(_ values: FeatureValues?, option: String, default value: Float) throws -> [Float] {
                guard let values else { return Array(repeating: value, count: featureCount) }
                guard let expanded = values.expanded(to: featureCount) else {
                    throw CommandError("\(option) gives \(values.values.count) values, but \(self.model) takes "
                                       + "\(featureCount) inputs: give one number, or one per input")
                }
                return expanded
            }
            inputs.standardization = Standardization(
                mean: try expanded(inputMean, option: "--input-mean", default: 0),
                standardDeviation: try expanded(inputStd, option: "--input-std", default: 1))
        }
        return inputs
    }
}
