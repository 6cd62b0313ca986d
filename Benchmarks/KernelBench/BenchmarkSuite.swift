/// A family of kernels measured and printed together (one table in the text output).
///
/// Adding a suite means one new file with a type conforming to this protocol, plus one
/// entry in `KernelBenchCommand.suites`.
protocol BenchmarkSuite {
    /// The key written in every JSON line of this suite ("gemm", "memory").
    var key: String { get }
    /// The heading printed above the suite's table.
    var title: String { get }
    /// What the rate column measures.
    var unit: RateUnit { get }
    /// The external baselines each row is compared with, in column order.
    var baselines: [BaselineColumn] { get }
    /// Whether rows are compared with the machine's measured FMA peak (the "% of peak"
    /// column): true for arithmetic-bound suites rated in GFLOP/s, false for memory-bound
    /// ones, which the FMA units do not limit (memcpy is their ceiling).
    var comparesWithPeak: Bool { get }
    /// The kernel names the suite can run, so a `--filter` that matches none skips it.
    var kernelNames: [String] { get }
    /// The width of the table's shape column: the longest shape the suite prints.
    var shapeWidth: Int { get }

    /// Measures every kernel the settings select and hands each finished row to `report`.
    func run(settings: BenchmarkSettings, report: (BenchmarkResult) -> Void)
}

extension BenchmarkSuite {
    /// Wide enough for "1024x1024x1024" (GEMM) and "16777216" (memory kernels).
    var shapeWidth: Int { 14 }
}

/// The unit of a rate column.
enum RateUnit {
    /// 10⁹ floating-point operations per second (GEMM: 2·M·N·K per call).
    case gigaflops
    /// 10⁹ bytes per second, counting every byte read plus every byte written once.
    case gigabytes

    /// The column heading.
    var title: String {
        switch self {
        case .gigaflops: "GFLOP/s"
        case .gigabytes: "GB/s"
        }
    }

    /// The suffix of rate keys in JSON ("gflops", "gbps").
    var jsonSuffix: String {
        switch self {
        case .gigaflops: "gflops"
        case .gigabytes: "gbps"
        }
    }
}

/// An external implementation every row of a suite is compared with (OpenBLAS, memcpy).
struct BaselineColumn {
    /// The prefix of the JSON keys (`<key>_gflops`, `<key>_ratio`).
    var key: String
    /// The column heading.
    var title: String
}

/// How fast the pure-Swift `ReferenceBackend<Float>` ran the same work.
struct ReferenceTiming {
    /// Seconds per call on the full problem.
    var secondsPerCall: Double
    /// True when only a slice of the problem was run and the time scaled up (a naive loop
    /// nest costs the same per row, so this is accurate and keeps the run short).
    var isExtrapolated: Bool
}

/// One measured row: a kernel on one shape with one thread count.
struct BenchmarkResult {
    var kernel: String
    /// Human-readable sizes ("512x512x512" for GEMM M x K x N, "1677721x10" for softmax).
    var shape: String
    /// What the shape stands for, if anything ("X·W1").
    var note: String?
    var threads: Int
    var unit: RateUnit
    /// FLOPs or bytes one call does.
    var workPerCall: Double
    var timing: Timing
    var reference: ReferenceTiming?
    /// One rate (in `unit`) per column of the suite's `baselines`; nil when unavailable.
    var baselineRates: [Double?]
    /// The spread of each baseline's rate (`Timing.spread`), when it was measured that way.
    var baselineSpreads: [Double?] = []
    /// The machine's measured peak (`MeasuredPeak`) in `unit` at this row's thread count; nil
    /// for suites that do not compare with it, or when it could not be measured.
    var peakRate: Double? = nil

    /// Our rate in `unit`.
    var rate: Double { workPerCall / timing.secondsPerCall / 1e9 }

    /// How many times faster than the reference backend.
    var referenceSpeedup: Double? {
        reference.map { $0.secondsPerCall / timing.secondsPerCall }
    }

    /// Our rate divided by each baseline's (above 1: we are faster).
    var baselineRatios: [Double?] {
        baselineRates.map { baseline in baseline.map { rate / $0 } }
    }

    /// Our rate as a fraction of the machine's measured peak (1: the FMA units never idle).
    var peakFraction: Double? {
        peakRate.map { rate / $0 }
    }
}
