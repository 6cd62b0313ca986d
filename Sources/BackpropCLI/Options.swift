import ArgumentParser
import Backprop
import Foundation

/// Which kernel implementation runs the network.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// The vectorized, multi-threaded C core.
    case fast
    /// The plain Swift loops (slow; the definition the fast one is tested against).
    case reference
}

/// Which update rule trains the network.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, adam
}

/// How the initial weights are drawn.
enum WeightInitChoice: String, ExpressibleByArgument, CaseIterable {
    /// Normal with the fixed standard deviation of `--weight-std` (the book's 0.01).
    case std
    /// He: sqrt(2 / inputs), for ReLU.
    case he
    /// Xavier: sqrt(1 / inputs), for sigmoid.
    case xavier
}

extension Activation: ExpressibleByArgument {}

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
}

/// Options that choose where and how fast kernels run.
struct KernelOptions: ParsableArguments {
    @Option(help: "Kernel implementation: fast (C core) or reference (plain Swift).")
    var backend: BackendChoice = .fast

    @Option(help: ArgumentHelp("Threads for the C core (default: one per core).", valueName: "n"))
    var threads: Int?

    /// More threads than this only oversubscribes the cores (OpenMP would start them all).
    static let maximumThreads = 256

    func validate() throws {
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(Self.maximumThreads), got \(threads)")
        }
    }

    /// Applies the thread setting to the C core.
    func apply() {
        if let threads { FastBackend.threadCount = threads }
    }
}

/// Checks that the `split` loaded from `directory` can train or check a network: a valid IDX
/// file may hold no images, or images of 0 x 0 pixels, and a network needs at least one of
/// each (its initializer and the trainer stop the program otherwise).
func requireSamples(_ set: Dataset, split: MNIST.Split, in directory: URL) throws {
    guard set.count > 0 else {
        throw CommandError("\(directory.path): \(split.imagesFileName) holds no images")
    }
    guard set.featureCount > 0 else {
        throw CommandError("\(directory.path): \(split.imagesFileName) holds images of 0 pixels")
    }
}

/// A failure the user can fix, reported as one line.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes `text` to standard error without a newline (for the live progress line).
func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// One JSON object on one line, keys sorted, for `--json` output.
func jsonLine(_ object: [String: Any]) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// A checked model path for `--save`: its directory must exist, so a long training run
/// never ends in an unwritable path.
func validatedSaveURL(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    if FileKind(of: url) == .directory {
        throw CommandError("\(url.path): --save needs a file name, but this is a directory")
    }
    let parent = url.deletingLastPathComponent()
    guard FileKind(of: parent) == .directory else {
        throw CommandError("\(parent.path): directory for --save does not exist")
    }
    return url
}

/// A checked `--curves` directory: it may exist (as a directory) or be creatable in an existing parent.
func validatedCurvesDirectory(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    switch FileKind(of: url) {
    case .directory:
        return url
    case .file:
        throw CommandError("\(url.path): --curves needs a directory, but this is a file")
    case .missing:
        let parent = url.deletingLastPathComponent()
        guard FileKind(of: parent) == .directory else {
            throw CommandError("\(parent.path): parent directory for --curves does not exist")
        }
        return url
    }
}
