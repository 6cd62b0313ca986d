import Foundation

/// The process's standard output and standard error, written with `write(2)` so that every
/// failure is seen: `print` and `FileHandle.write` either drop it (stdout on a full device
/// exited 0 with the output lost) or trap (`predict > /dev/full` died of SIGILL).
enum StandardStreams {
    /// Points any of descriptors 0, 1 and 2 that the process started without at `/dev/null`,
    /// opened read-only. Otherwise the first file the run opens would take the number, and
    /// what the run prints would go into it (a model being saved); a read-only descriptor
    /// refuses every write instead, which the checked writes report.
    static func reserveClosedDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Writes all of `text` to `descriptor`, retrying short writes and interruptions; the
    /// reason it failed, in a few words, or nil.
    static func write(_ text: String, to descriptor: Int32) -> String? {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno == EBADF ? "it is closed" : String(cString: strerror(errno)).lowercased()
                }
                offset += written
            }
            return nil
        }
    }
}

/// The command's results on standard output, every write checked.
enum StandardOutput {
    /// Writes `text` as it is; a failed write (a full device, a closed descriptor, a pipe whose
    /// reader is gone while SIGPIPE is ignored) throws one line. With SIGPIPE at its default,
    /// a pipe whose reader is gone ends the process with that signal (status 141), as it ends
    /// every tool in a pipeline.
    static func write(_ text: String) throws {
        if let reason = StandardStreams.write(text, to: STDOUT_FILENO) {
            throw CommandError("cannot write to standard output: \(reason)")
        }
    }

    /// Writes `line` and a newline.
    static func line(_ line: String) throws {
        try write(line + "\n")
    }
}

/// Writes `text` to standard error without a newline (for the live progress line). A failure
/// is ignored: standard error is where failures are told, so there is nowhere left to tell it.
func writeToStandardError(_ text: String) {
    _ = StandardStreams.write(text, to: STDERR_FILENO)
}
