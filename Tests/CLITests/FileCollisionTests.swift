import Backprop
import Foundation
import Testing
import TestSupport

/// Outputs that name an input, or each other, however spelled: refused before anything is
/// read, trained or written, in one line naming both options and the file.
@Suite("backprop refuses outputs that would replace its inputs or each other")
struct FileCollisionTests: RunsInDirectories {
    let directories: RunDirectories
    init() throws { directories = try RunDirectories(trainCount: 20, testCount: 10) }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    /// Every file below `directory` with its contents, to show nothing changed.
    func snapshot(_ directory: TemporaryDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try directory.listing() where FileKind(of: directory.path(name)) == .file {
            files[name] = try Data(contentsOf: directory.path(name))
        }
        return files
    }

    @Test("train --save naming the --csv file, an MNIST file of --data, or a file --curves writes, is refused")
    func trainOutputsAgainstInputs() throws {
        try scratch.write(Array("a,b,label\n0,1,0\n1,0,1\n0,0,0\n1,1,1\n0,1,0\n".utf8), to: "sep.csv")
        try scratch.write(Array("a,b,label\n0,1,0\n1,0,1\n0,0,0\n1,1,1\n0,1,0\n".utf8), to: "d/curves.csv")
        let before = (try snapshot(scratch), try snapshot(data))
        let csv = ["train", "--csv", "sep.csv", "--label-column", "label", "--iterations", "1", "--batch-size", "2"]
        expectOneLineError(try run(csv + ["--save", "sep.csv"]),
                           mentioning: ["--save", "--csv", "sep.csv", "nothing was written"])
        // A different spelling of the same file.
        expectOneLineError(try run(csv + ["--save", "./d/../sep.csv"]),
                           mentioning: ["--save ./d/../sep.csv", "the --csv file sep.csv"])
        // The CSV is where --curves writes curves.csv.
        expectOneLineError(try run(["train", "--csv", "d/curves.csv", "--label-column", "label", "--iterations", "1",
                                    "--batch-size", "2", "--curves", "d"]),
                           mentioning: ["--curves", "--csv", "d/curves.csv"])
        let labels = data.filePath("t10k-labels-idx1-ubyte")
        expectOneLineError(try run(["train", "--iterations", "1", "--data", data.url.path, "--save", labels]),
                           mentioning: ["--save \(labels) would replace the --data file \(labels)"])
        #expect(try snapshot(scratch) == before.0)
        #expect(try snapshot(data) == before.1)
    }

    @Test("train --save naming a file --curves writes is refused, and no directory is made")
    func trainOutputsAgainstEachOther() throws {
        let arguments = ["train", "--iterations", "1", "--data", data.url.path, "--save", "x/curves.csv", "--curves", "x"]
        expectOneLineError(try run(arguments),
                           mentioning: ["--save and --curves both write x/curves.csv", "nothing was written"])
        #expect(try scratch.listing() == [])
        // The directory exists, the file does not yet: the two would still be one file.
        try scratch.makeDirectory("x")
        expectOneLineError(try run(arguments), mentioning: ["--save and --curves both write x/curves.csv"])
        #expect(try scratch.listing() == ["x"])
    }

    @Test("convert --output naming its --model, through a symbolic link, a hard link or ./../, is refused")
    func convertOverItsInput() throws {
        let model = scratch.path("m.safetensors")
        try ModelFile.save(MultiLayerNet(inputSize: 4, hiddenSizes: [3], outputSize: 2,
                                         backend: ReferenceBackend<Float>(), seed: 1), to: model)
        try FileManager.default.createSymbolicLink(atPath: scratch.filePath("link.safetensors"),
                                                   withDestinationPath: "m.safetensors")
        try FileManager.default.linkItem(at: model, to: scratch.path("hard.safetensors"))
        try scratch.makeDirectory("sub")
        let before = try snapshot(scratch)
        for output in ["m.safetensors", "link.safetensors", "hard.safetensors", "./sub/../m.safetensors"] {
            let run = try run(["convert", "--model", "m.safetensors", "--layout", "torch", "--output", output])
            expectOneLineError(run, mentioning: ["--output \(output) would replace the --model file m.safetensors"])
            #expect(run.standardOutput.isEmpty)
        }
        // And the other way round: the input through a link, the output by its own name.
        expectOneLineError(try run(["convert", "--model", "link.safetensors", "--layout", "torch",
                                    "--output", "m.safetensors"]),
                           mentioning: ["--output m.safetensors would replace the --model file link.safetensors"])
        #expect(try snapshot(scratch) == before)
        // A different file is written as before.
        expectSuccess(try run(["convert", "--model", "m.safetensors", "--layout", "torch", "--output", "t.safetensors"]))
    }
}
