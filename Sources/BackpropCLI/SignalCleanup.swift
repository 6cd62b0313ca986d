import Backprop
import Foundation

/// SIGINT, SIGTERM and SIGHUP end a run cleanly: the temporary files of a save in progress
/// (and any directory created for the outputs) are removed, then the process exits with
/// 128 + the signal's number, as a shell reports a run it interrupted. Without this, Ctrl-C
/// during a save left a hidden `.NAME.<UUID>.partial` of the model's size.
///
/// The signals are blocked in every thread (set before the first other thread starts, so
/// OpenMP's and Foundation's threads inherit the mask) and taken by one thread waiting in
/// `sigwait`, where removing files and taking locks is safe, unlike in a signal handler.
enum SignalCleanup {
    /// The signals handled.
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Starts the waiting thread. A signal the process started with ignored (`nohup`, a
    /// background job of a non-interactive shell) stays ignored.
    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        var handled = false
        for signal in signals {
            var current = sigaction()
            guard sigaction(signal, nil, &current) == 0,
                  unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
                    != unsafeBitCast(SIG_IGN, to: Int.self) else { continue }
            sigaddset(&set, signal)
            handled = true
        }
        guard handled else { return }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waiter = Thread { [set] in
            var set = set
            var signal: Int32 = 0
            while true {
                if sigwait(&set, &signal) == 0 {
                    PartialFiles.removeAllAndExit(status: 128 + signal)
                }
            }
        }
        waiter.name = "backprop signals"
        waiter.start()
    }
}
