import Backprop
import Foundation

/// Where `train` sends what it prints. Without `--json` everything is text on stdout, as a
/// person reads it. With `--json` stdout carries only JSON lines — one object per epoch, then
/// the summary object — so `backprop train --json | jq` needs no filtering, and the text
/// (the run's description, the epoch table, what was saved) goes to stderr.
///
/// A write to stdout that fails (a full device, a closed descriptor) is remembered rather
/// than thrown from inside the training loop: nothing more goes to stdout, the run stops after
/// that epoch (``stdoutFailed``), and ``requireStandardOutput()`` throws it as one line.
final class TrainingReport {
    /// Whether stdout is reserved for JSON lines.
    let json: Bool

    /// The first failed write to stdout, if any.
    private(set) var failure: (any Error)?

    init(json: Bool) {
        self.json = json
    }

    /// Whether a write to stdout has failed: the run's output is being lost.
    var stdoutFailed: Bool { failure != nil }

    /// A line for the person watching: stdout, or stderr under `--json`.
    func text(_ line: String) {
        if json {
            writeToStandardError(line + "\n")
        } else {
            output(line)
        }
    }

    /// One epoch: a row of the table and, under `--json`, the record as one JSON object on
    /// stdout (keys in snake case: `epoch`, `iteration`, `train_accuracy`, `test_accuracy`,
    /// `loss`, `elapsed_seconds`, and whatever later fields the record gains). A number that
    /// is not finite, which JSON cannot hold, is written as the string "NaN" or "Infinity".
    /// `showingRow` false leaves the record out of the table (thinned to ``EpochTable/maximumRows``)
    /// but not out of the JSON lines.
    func epoch(_ record: TrainingHistory.EpochRecord, showingRow: Bool = true) {
        if showingRow { text(EpochTable.row(record)) }
        if json, let train = record.trainMetrics {
            // A regression has no accuracy: its record's NaN accuracies give way to its metrics.
            var fields: [String: Any] = ["epoch": record.epoch, "iteration": record.iteration, "loss": record.loss,
                                         "elapsed_seconds": record.elapsedSeconds]
            fields.merge(RegressionFields.json(train, prefix: "train")) { $1 }
            if let test = record.testMetrics { fields.merge(RegressionFields.json(test, prefix: "test")) { $1 } }
            if let validation = record.validationMetrics {
                fields.merge(RegressionFields.json(validation, prefix: "validation")) { $1 }
            }
            if let loss = record.validationLoss { fields["validation_loss"] = loss }
            if let rate = record.learningRate { fields["learning_rate"] = rate }
            if let line = try? jsonLine(fields) { output(line) }
        } else if json {
            guard let line = try? Self.encoder.encode(record) else {
                preconditionFailure("an epoch record always encodes: its only failure, a non-finite number, is a string")
            }
            output(String(decoding: line, as: UTF8.self))
        }
    }

    /// The run's summary as the last JSON line on stdout; nothing without `--json`.
    func summary(_ object: [String: Any]) throws {
        if json {
            output(try jsonLine(object))
        }
        try requireStandardOutput()
    }

    /// Throws the failed write to stdout, if there was one.
    func requireStandardOutput() throws {
        if let failure { throw failure }
    }

    /// Writes `line` to stdout unless an earlier write failed.
    private func output(_ line: String) {
        guard failure == nil else { return }
        do {
            try StandardOutput.line(line)
        } catch {
            failure = error
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()
}
