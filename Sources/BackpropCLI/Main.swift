import ArgumentParser
import Backprop
import Foundation

/// Entry point: runs the parsed subcommand and turns every failure into one line on stderr
/// and a non-zero exit, so scripts and people both get a clear answer.
@main
enum Main {
    static func main() {
        StandardStreams.reserveClosedDescriptors()
        SignalCleanup.install()
        // Before anything can start the OpenMP runtime, which reads these once and aborts on
        // some values (an empty OMP_NUM_THREADS, a count of 99999999999).
        for warning in OpenMPEnvironment.sanitize() {
            writeToStandardError("backprop: warning: \(warning)\n")
        }
        do {
            var command = try BackpropCommand.parseAsRoot(
                NegativeNumberArguments.rewrite(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            let code = BackpropCommand.exitCode(for: error)
            if code == .success {
                // --help and --version print their text and exit cleanly.
                BackpropCommand.exit(withError: error)
            }
            let message = BackpropCommand.message(for: error)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            if !message.isEmpty {
                writeToStandardError("backprop: error: \(message)\n")
            }
            Foundation.exit(code.rawValue)
        }
    }
}
