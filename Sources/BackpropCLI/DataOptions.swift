import ArgumentParser
import Backprop
import Foundation

/// Options shared by every command that reads MNIST.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Directory with the MNIST IDX files (.gz or plain).",
        discussion: "Default: $BACKPROP_DATA, ./data/mnist, or the copy shipped in the package.",
        valueName: "dir"))
    var data: String?

    /// The directory to read: the one given, or the default search.
    func directory() throws -> URL {
        if let data {
            return URL(fileURLWithPath: data)
        }
        return try MNIST.defaultDirectory()
    }

    /// Adds the MNIST files this run would read to `roles`. A missing default directory adds
    /// nothing: loading reports it.
    func declare(in roles: inout FileRoles) {
        guard let directory = data ?? (try? MNIST.defaultDirectory())?.path else { return }
        roles.readMNIST(in: directory, option: data == nil ? "MNIST" : "--data")
    }
}
