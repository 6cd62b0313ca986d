import ArgumentParser
import Backprop
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `train --distributed`: the processes `mpirun -np N` starts, joined before any work and
/// checked to agree before training (same options, same data); only rank 0 prints and writes.
enum DistributedRun {
    /// Joins the job's processes, or refuses in a build without the `MPI` trait. Ranks other
    /// than 0 stop printing to standard output: rank 0 speaks for the job.
    static func join() throws -> any GradientReducer {
        #if MPI
        let reducer = MPIReducer()
        if reducer.rank != 0 {
            // The text of a run goes to stderr under --json: both streams stay quiet.
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 {
                dup2(null, STDOUT_FILENO)
                dup2(null, STDERR_FILENO)
                close(null)
            }
        }
        return reducer
        #else
        throw CommandError("--distributed needs a build with the MPI package trait "
                           + "(swift build -c release --traits OpenMP,MPI; see the README)")
        #endif
    }

    /// The environment variable that chooses the exchange algorithm (`ring`, the default, or
    /// `allgather`), to measure one against the other (Benchmarks/distributed.sh).
    static let algorithmVariable = "BACKPROP_MPI_EXCHANGE"

    /// Makes `reducer` use the algorithm `BACKPROP_MPI_EXCHANGE` names, if it is set; throws
    /// (a failure for ``agree(_:reducer:)`` to report) if it names none.
    static func applyForcedAlgorithm(to reducer: any GradientReducer) throws {
        guard let name = ProcessInfo.processInfo.environment[algorithmVariable] else { return }
        guard let algorithm = ExchangeAlgorithm(rawValue: name) else {
            let known = ExchangeAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandError("\(algorithmVariable)=\(name) is not an exchange algorithm (\(known))")
        }
        #if MPI
        (reducer as? MPIReducer)?.algorithm = algorithm
        #endif
    }

    /// The `--json` summary's fields of the gradient exchange.
    static func jsonFields(_ statistics: ExchangeStatistics) -> [String: Any] {
        ["gradient_bytes": statistics.gradientBytes,
         "exchange_bytes_sent_per_step": statistics.bytesSentPerStep,
         "exchange_bytes_received_per_step": statistics.bytesReceivedPerStep,
         "exchange_seconds_per_step": statistics.secondsPerStep]
    }

    /// Ends the job's MPI session after the last collective operation.
    static func finish() {
        #if MPI
        MPIReducer.finalize()
        #endif
    }

    /// What each process found before training: its error if it failed, and hashes of its
    /// options and data that must be equal on every process.
    struct Readiness {
        var failure: String?
        var optionsHash: UInt64
        var dataHash: UInt64
    }

    /// Makes every process agree to go on: if any process failed, or two processes differ in
    /// their options or data, every process ends — rank 0 with one line naming the rank and
    /// the problem, the others silently — and nothing is written.
    static func agree(_ readiness: Readiness, reducer: any GradientReducer) throws {
        let messageBytes = 400
        var record = [UInt8](repeating: 0, count: 17 + messageBytes)
        record[0] = readiness.failure == nil ? 0 : 1
        withUnsafeBytes(of: readiness.optionsHash.littleEndian) { record.replaceSubrange(1..<9, with: $0) }
        withUnsafeBytes(of: readiness.dataHash.littleEndian) { record.replaceSubrange(9..<17, with: $0) }
        let message = Array((readiness.failure ?? "").utf8.prefix(messageBytes))
        record.replaceSubrange(17..<(17 + message.count), with: message)
        let all = reducer.gather(record)

        func text(_ record: [UInt8]) -> String {
            String(decoding: record[17...].prefix { $0 != 0 }, as: UTF8.self)
        }
        var problem: String?
        if let failed = all.firstIndex(where: { $0[0] != 0 }) {
            problem = "rank \(failed) of \(all.count): \(text(all[failed]))"
        } else if let other = all.firstIndex(where: { $0[1..<9] != all[0][1..<9] }) {
            problem = "rank \(other) of \(all.count) was started with other options than rank 0"
        } else if let other = all.firstIndex(where: { $0[9..<17] != all[0][9..<17] }) {
            problem = "rank \(other) of \(all.count) read other data than rank 0 (the data files' headers differ)"
        }
        guard let problem else { return }
        // Rank 0 writes the line before any process leaves: once one exits non-zero, mpirun
        // ends the others, and a message still to be written would be lost. The gather that
        // follows holds every process until rank 0 has written it.
        if reducer.rank == 0 {
            writeToStandardError("backprop: error: distributed training stopped before it began: \(problem)\n")
        }
        _ = reducer.gather([0])
        finish()
        throw ExitCode.failure
    }

    /// The options that decide the computation: the command line without the paths and the
    /// thread count, which may differ from machine to machine, and the forced exchange
    /// algorithm (processes that disagree on it would wait for each other forever).
    static func optionsHash() -> UInt64 {
        var words: [String] = []
        var skipNext = false
        for word in CommandLine.arguments.dropFirst() {
            if skipNext { skipNext = false; continue }
            if ["--data", "--save", "--curves", "--threads"].contains(word) { skipNext = true; continue }
            if ["--data=", "--save=", "--curves=", "--threads="].contains(where: word.hasPrefix) { continue }
            words.append(word)
        }
        words.append(ProcessInfo.processInfo.environment[algorithmVariable] ?? "")
        return stableHash(words.joined(separator: "\u{0}"))
    }

    /// The shape of the data every process read: counts, features and classes of each split.
    static func dataHash(_ training: Dataset, _ test: Dataset) -> UInt64 {
        stableHash("\(training.count)x\(training.featureCount)/\(training.classCount) \(test.count)x\(test.featureCount)")
    }

    /// FNV-1a of `text`: the same on every machine, unlike Swift's seeded `Hasher`.
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
