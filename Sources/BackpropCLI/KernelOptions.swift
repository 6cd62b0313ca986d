import ArgumentParser
import Backprop

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
