import Backprop
import Foundation
import Testing
import TestSupport

/// Standard output that cannot be written — a full device, a closed descriptor, a pipe whose
/// reader is gone — ends every command with one line and exit 1, never a crash or a silent 0.
@Suite("backprop when standard output cannot be written")
struct StandardOutputTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 20, testCount: 10) }

    /// Shell commands that give the run a standard output it cannot write to, by name.
    static let brokenOutputs = [
        "full device": "exec >/dev/full",
        "closed": "exec >&-",
        // A FIFO opened for reading and writing, then for writing, then the reader closed: a
        // pipe without a reader, as when `| head` has exited; SIGPIPE ignored, as some shells
        // and services start their children.
        "pipe without reader, SIGPIPE ignored": "mkfifo pipe && exec 3<>pipe && exec >pipe && exec 3<&- && trap '' PIPE",
    ]

    func run(_ arguments: [String], shellSetup: String) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url, shellSetup: shellSetup)
    }

    func model() throws -> String {
        let url = scratch.path("m.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 784, hiddenSizes: [3], outputSize: 10,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: url)
        return url.path
    }

    @Test("predict into a full device, a closed stdout or a pipe without reader: one line, exit 1",
          arguments: brokenOutputs.sorted(by: <).map { (name: $0.key, setup: $0.value) })
    func predict(_ output: (name: String, setup: String)) throws {
        let run = try run(["predict", "--model", try model(), "--images", data.filePath("t10k-images-idx3-ubyte")],
                          shellSetup: output.setup)
        expectOneLineError(run, mentioning: ["cannot write to standard output"])
        #expect(run.status == 1, "\(output.name): \(run)")
    }

    @Test("With SIGPIPE at its default, a pipe without reader ends predict with that signal, as in any pipeline")
    func predictIntoClosedPipe() throws {
        let run = try run(["predict", "--model", try model(), "--images", data.filePath("t10k-images-idx3-ubyte")],
                          shellSetup: "mkfifo pipe && exec 3<>pipe && exec >pipe && exec 3<&-")
        #expect(!run.exited && run.status == SIGPIPE, "\(run)")
    }

    @Test("evaluate, apples, gradcheck and train with stdout on a full device exit 1 with one line")
    func otherCommands() throws {
        let model = try model()
        for arguments in [["evaluate", "--model", model, "--data", data.url.path],
                          ["evaluate", "--model", model, "--data", data.url.path, "--json"],
                          ["apples"],
                          ["gradcheck", "--hidden", "2", "--samples", "1", "--data", data.url.path],
                          ["convert", "--model", model, "--layout", "torch", "--output", scratch.filePath("t.safetensors")],
                          ["train", "--iterations", "2", "--batch-size", "5", "--hidden", "3", "--data", data.url.path]] {
            let run = try run(arguments, shellSetup: "exec >/dev/full")
            expectOneLineError(run, mentioning: ["cannot write to standard output: no space left on device"])
            #expect(run.status == 1, "\(run)")
        }
    }

    @Test("train --json with stdout on a full device stops after the epoch whose line was lost and saves nothing")
    func trainJSON() throws {
        let save = scratch.filePath("new.safetensors")
        // Two epochs of 4 iterations: the first epoch's line fails, the second is never run.
        let run = try run(["train", "--json", "--iterations", "8", "--batch-size", "5", "--hidden", "3",
                           "--data", data.url.path, "--save", save], shellSetup: "exec >/dev/full")
        #expect(run.exited && run.status == 1, "\(run)")
        // Under --json the run's text goes to stderr; the error is its last line.
        #expect(run.errorLines.last.map(String.init) == "backprop: error: cannot write to standard output: no space left on device "
                + "(training stopped after epoch 0); \(save) was not written", "\(run)")
        #expect(FileKind(of: URL(fileURLWithPath: save)) == .missing)
    }
}
