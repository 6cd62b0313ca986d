import ArgumentParser
import Backprop
import Foundation

extension ModelLayout: ExpressibleByArgument {}

/// `--model FILE` and `--activation`: a model in any layout Backprop reads (its own files,
/// numpy's W1 b1 …, PyTorch state dicts), for the commands that use a trained model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The model file: safetensors from 'train --save', numpy (W1 b1 ...) or a PyTorch nn.Sequential state dict.",
        valueName: "file"))
    var model: String

    @Option(help: ArgumentHelp(
        "Hidden-layer activation for a file that does not name one: relu or sigmoid (default: relu).",
        valueName: "activation"))
    var activation: Activation?

    @Option(help: ArgumentHelp(
        "The network, for a file that does not record it (a PyTorch state dict with BatchNorm1d or Dropout): "
            + "comma-separated layers as 'train --layers' takes them, e.g. affine:100,batchnorm,relu,dropout:0.5:inverted,affine:10. "
            + "PyTorch's BatchNorm1d uses eps 1e-5: write batchnorm:eps=1e-05.",
        valueName: "spec"))
    var layers: String?

    func validate() throws {
        if let layers {
            do {
                _ = try LayerSpec.list(parsing: layers)
            } catch {
                throw ValidationError("--layers: \(error)")
            }
        }
    }

    /// The model on `backend`; what the import converted or assumed goes to stderr as notes.
    func load<Backend: KernelBackend>(on backend: Backend) throws -> ImportedModel<Backend> {
        let imported = try ModelFile.importModel(from: URL(fileURLWithPath: model), backend: backend,
                                                 layers: try layers.map { try LayerSpec.list(parsing: $0) },
                                                 activation: activation ?? .relu)
        for note in imported.notes {
            writeToStandardError("backprop: note: \(note)\n")
        }
        return imported
    }
}
