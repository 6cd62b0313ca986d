import Foundation
import Testing
import TestSupport

/// The bad `--svg DIR` cases every command that draws figures must refuse the same way: one
/// line on stderr naming the path and the problem, nothing on stdout, nothing written.
enum SVGDirectoryChecks {
    /// `command` followed by `--svg` naming a file, then a directory under a missing parent.
    static func expectFileAndMissingParentRefused(_ command: [String],
                                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.writeFile(Array("keep me".utf8), to: "taken")
        let onFile = try BackpropExecutable.run(command + ["--svg", file], in: scratch.url)
        expectOneLineError(onFile, mentioning: ["taken", "--svg", "is a file"], sourceLocation: sourceLocation)
        #expect(onFile.standardOutput.isEmpty, sourceLocation: sourceLocation)
        let missing = try BackpropExecutable.run(command + ["--svg", "no/such/dir"], in: scratch.url)
        expectOneLineError(missing, mentioning: ["no/such", "--svg", "does not exist"], sourceLocation: sourceLocation)
        #expect(missing.standardOutput.isEmpty, sourceLocation: sourceLocation)
        #expect(try scratch.listing() == ["taken"], sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me", sourceLocation: sourceLocation)
    }

    /// `command` followed by `--svg` naming a directory without write permission; the error
    /// line must contain each of `fragments` (the file's path in `locked/`, the reason).
    static func expectUnwritableRefused(_ command: [String], mentioning fragments: [String],
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scratch = try TemporaryDirectory()
        let locked = scratch.url.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o555])
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
        let run = try BackpropExecutable.run(command + ["--svg", locked.path], in: scratch.url)
        expectOneLineError(run, mentioning: fragments, sourceLocation: sourceLocation)
        #expect(run.standardOutput.isEmpty, sourceLocation: sourceLocation)
    }
}
