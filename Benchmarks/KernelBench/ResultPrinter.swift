import Foundation

/// Writes the machine header and the rows, as a table or as JSON lines.
protocol ResultPrinter {
    func printHeader(_ machine: MachineDescription)
    /// Called before a suite's first row.
    func beginSuite(_ suite: any BenchmarkSuite)
    func printResult(_ result: BenchmarkResult, of suite: any BenchmarkSuite)
}

/// Aligned text columns, one table per suite, rows printed as soon as they are measured.
struct TablePrinter: ResultPrinter {
    private struct Column {
        var title: String
        var width: Int
        var leftAligned = false

        func format(_ text: String) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return leftAligned ? text + padding : padding + text
        }
    }

    private func columns(of suite: any BenchmarkSuite) -> [Column] {
        var columns = [
            Column(title: "kernel", width: 21, leftAligned: true),
            Column(title: "shape", width: suite.shapeWidth, leftAligned: true),
            Column(title: "threads", width: 7),
            Column(title: suite.unit.title, width: 9),
        ]
        if suite.comparesWithPeak {
            columns.append(Column(title: "% of peak", width: 9))
        }
        columns += [
            Column(title: "best", width: 10),
            Column(title: "spread", width: 6),
            Column(title: "vs reference", width: 12),
        ]
        for baseline in suite.baselines {
            let title = "\(baseline.title) \(suite.unit.title)"
            columns.append(Column(title: title, width: title.count))
            columns.append(Column(title: "spread", width: 6))
            columns.append(Column(title: "vs \(baseline.title)", width: max(6, baseline.title.count + 3)))
        }
        columns.append(Column(title: "note", width: 0, leftAligned: true))
        return columns
    }

    private func line(_ cells: [String], _ columns: [Column]) -> String {
        zip(cells, columns).map { $1.format($0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }

    func printHeader(_ machine: MachineDescription) {
        print(machine.headerLine)
        print(machine.cachesLine)
        if let peakLine = machine.peakLine {
            print(peakLine)
        }
        for warning in [machine.openBLASWarning, machine.loadWarning].compactMap({ $0 }) {
            print(warning)
        }
    }

    func beginSuite(_ suite: any BenchmarkSuite) {
        let columns = columns(of: suite)
        print("")
        print(suite.title)
        print(line(columns.map(\.title), columns))
    }

    func printResult(_ result: BenchmarkResult, of suite: any BenchmarkSuite) {
        var cells = [result.kernel, result.shape, "\(result.threads)", Self.rate(result.rate)]
        if suite.comparesWithPeak {
            cells.append(result.peakFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "-")
        }
        cells += [
            Self.duration(result.timing.secondsPerCall),
            Self.percent(result.timing.spread),
            result.referenceSpeedup.map { (result.reference?.isExtrapolated == true ? "~" : "") + Self.speedup($0) } ?? "-",
        ]
        for (index, (rate, ratio)) in zip(result.baselineRates, result.baselineRatios).enumerated() {
            cells.append(rate.map(Self.rate) ?? "-")
            cells.append(result.baselineSpreads.indices.contains(index) ? result.baselineSpreads[index].map(Self.percent) ?? "-" : "-")
            cells.append(ratio.map { String(format: "%.2f", $0) } ?? "-")
        }
        cells.append(result.note ?? "")
        print(line(cells, columns(of: suite)))
    }

    private static func rate(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }

    /// A spread as "±3%".
    static func percent(_ value: Double) -> String {
        String(format: "±%.0f%%", value * 100)
    }

    private static func speedup(_ value: Double) -> String {
        String(format: value < 10 ? "%.2fx" : "%.0fx", value)
    }

    /// Seconds in the unit that keeps three significant digits readable.
    private static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-3: String(format: "%.1f µs", seconds * 1e6)
        case ..<1: String(format: "%.2f ms", seconds * 1e3)
        default: String(format: "%.2f s", seconds)
        }
    }
}

/// One JSON object per line: a "machine" line, then one "result" line per row.
struct JSONLinesPrinter: ResultPrinter {
    func printHeader(_ machine: MachineDescription) {
        print(machine.jsonLine.encoded)
        for warning in [machine.openBLASWarning, machine.loadWarning].compactMap({ $0 }) {
            printToStandardError(warning)
        }
    }

    func beginSuite(_ suite: any BenchmarkSuite) {}

    func printResult(_ result: BenchmarkResult, of suite: any BenchmarkSuite) {
        var fields: [(String, JSONValue)] = [
            ("type", .string("result")),
            ("suite", .string(suite.key)),
            ("kernel", .string(result.kernel)),
            ("shape", .string(result.shape)),
            ("threads", .integer(result.threads)),
            (result.unit.jsonSuffix, .number(result.rate)),
            ("best_seconds", .number(result.timing.secondsPerCall)),
            ("spread", .number(result.timing.spread)),
            ("samples", .integer(result.timing.samples)),
            ("calls_per_sample", .integer(result.timing.callsPerSample)),
            ("reference_speedup", .number(result.referenceSpeedup)),
            ("reference_seconds", .number(result.reference?.secondsPerCall)),
            ("reference_extrapolated", result.reference.map { .bool($0.isExtrapolated) } ?? .null),
        ]
        for (index, (baseline, (rate, ratio))) in zip(suite.baselines, zip(result.baselineRates, result.baselineRatios)).enumerated() {
            fields.append(("\(baseline.key)_\(result.unit.jsonSuffix)", .number(rate)))
            if result.baselineSpreads.indices.contains(index) {
                fields.append(("\(baseline.key)_spread", .number(result.baselineSpreads[index])))
            }
            fields.append(("\(baseline.key)_ratio", .number(ratio)))
        }
        if suite.comparesWithPeak {
            fields.append(("peak_\(result.unit.jsonSuffix)", .number(result.peakRate)))
            fields.append(("peak_ratio", .number(result.peakFraction)))
        }
        if let note = result.note {
            fields.append(("note", .string(note)))
        }
        print(JSONLine(fields).encoded)
    }
}
