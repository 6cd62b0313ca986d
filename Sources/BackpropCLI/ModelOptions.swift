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

    /// The model on `backend`; what the import converted or assumed goes to stderr as notes.
    func load<Backend: KernelBackend>(on backend: Backend) throws -> ImportedModel<Backend> {
        let imported = try ModelFile.importModel(from: URL(fileURLWithPath: model), backend: backend,
                                                 activation: activation ?? .relu)
        for note in imported.notes {
            writeToStandardError("backprop: note: \(note)\n")
        }
        return imported
    }
}
