import ArgumentParser
import Backprop
import Foundation

/// `backprop convert`: a model file in the other layout, for PyTorch's `load_state_dict` or
/// back. Parameters are moved, never recomputed, so converting there and back gives the
/// original file byte for byte.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a model in Backprop's layout or as a PyTorch nn.Sequential state dict.",
        discussion: """
            --layout torch writes 0.weight [out, in], 0.bias, 2.weight, ... for \
            nn.Sequential(nn.Linear, activation, nn.Linear, ...): \
            model.load_state_dict(safetensors.torch.load_file(OUT)) reads it. \
            --layout backprop writes W1 b1 ... Wn bn with the architecture in the metadata.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The layout to write: torch or backprop.")
    var layout: ModelLayout

    @Option(help: ArgumentHelp("The file to write (replaced atomically if it exists).", valueName: "file"))
    var output: String

    func run() throws {
        let url = URL(fileURLWithPath: output)
        var roles = FileRoles()
        roles.read(modelOptions.model, option: "--model")
        roles.write(output, option: "--output")
        try roles.check()
        let imported = try modelOptions.load(on: ReferenceBackend<Float>())
        // What the options state goes into the file, so later runs need them no more.
        let metadata = imported.metadata.merging(try modelOptions.inputs(of: imported).metadata) { $1 }
        try ModelFile.save(imported.network, to: url, layout: layout, metadata: metadata)
        let network = imported.network
        try StandardOutput.line("wrote \(url.path): \(layout.rawValue) layout, \(network.architectureDescription)")
    }
}
