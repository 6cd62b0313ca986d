import Backprop
import Foundation

/// GEMM throughput of `FastBackend` against `ReferenceBackend<Float>` and, when installed,
/// OpenBLAS at the same thread count.
struct GEMMSuite: BenchmarkSuite {
    /// The system OpenBLAS, or nil (its columns then show "-").
    var openBLAS: OpenBLAS?

    var key: String { "gemm" }
    var title: String { "GEMM  C = op(A)·op(B), shape M x K x N, 2·M·N·K FLOPs per call" }
    var unit: RateUnit { .gigaflops }
    var baselines: [BaselineColumn] { [BaselineColumn(key: "openblas", title: "OpenBLAS")] }
    var comparesWithPeak: Bool { true }
    var kernelNames: [String] { GEMMProblem.standardSet(includingLargest: true).map(\.kernel) }

    func run(settings: BenchmarkSettings, report: (BenchmarkResult) -> Void) {
        let problems = GEMMProblem.standardSet(includingLargest: !settings.isQuick)
            .filter { settings.includes($0.kernel) }
        let operands = problems.enumerated().map { GEMMOperands(for: $1, seed: UInt64($0) &* 2) }

        // The reference is single-threaded: one measurement per shape serves every row.
        let references = zip(problems, operands).map { referenceTiming($0, $1, settings: settings) }

        for threads in settings.threadCounts {
            FastBackend.threadCount = threads
            openBLAS?.setThreadCount(threads)
            let fast = FastBackend()
            // Ours and OpenBLAS interleaved, batch by batch. With more than one thread, each
            // library's idle pool spins after a call and would take a core from the other:
            // a pause at each switch, and fewer batches to keep the run short.
            var plan = settings.plan
            plan.usesThreadCPUTime = threads == 1
            let pause = threads > 1 && openBLAS != nil ? 0.25 : 0
            if pause > 0 {
                plan.samples = min(plan.samples, 9)
                plan.minimumSamples = min(plan.minimumSamples, 3)
            }
            for (index, (problem, operands)) in zip(problems, operands).enumerated() {
                var calls: [() -> Float] = [{
                    fast.gemm(problem, a: operands.a, b: operands.b, c: operands.ours.buffer)
                    return operands.ours.buffer[0]
                }]
                if let openBLAS {
                    calls.append {
                        openBLAS.multiply(problem, a: operands.a.buffer.baseAddress!,
                                          b: operands.b.buffer.baseAddress!, c: operands.baseline.buffer.baseAddress!)
                        return operands.baseline.buffer[0]
                    }
                }
                let timings = measureInterleaved(plan, switchPause: pause, calls)
                warnIfDifferent(problem, operands, settings: settings)
                report(BenchmarkResult(
                    kernel: problem.kernel, shape: problem.shape, note: problem.note,
                    threads: threads, unit: unit, workPerCall: problem.flops, timing: timings[0],
                    reference: references[index],
                    baselineRates: [timings.count > 1 ? problem.flops / timings[1].secondsPerCall / 1e9 : nil],
                    baselineSpreads: [timings.count > 1 ? timings[1].spread : nil],
                    peakRate: settings.peak?.gigaflops(threads: threads)))
            }
            if pause > 0 {
                letIdleThreadPoolsSleep()
            }
        }
    }

    /// Rows of C the reference computes: all of them, or a band small enough for the limit.
    private func referenceRows(_ problem: GEMMProblem, settings: BenchmarkSettings) -> Int {
        let flopsPerRow = 2 * Double(problem.k) * Double(problem.n)
        return min(problem.m, max(1, Int(settings.referenceGEMMFlopLimit / flopsPerRow)))
    }

    /// Times the reference on the first rows of C and scales to all M rows: every row of
    /// the naive loop nest does the same work in the same access pattern.
    private func referenceTiming(_ problem: GEMMProblem, _ operands: GEMMOperands,
                                 settings: BenchmarkSettings) -> ReferenceTiming {
        let rows = referenceRows(problem, settings: settings)
        var band = problem
        band.m = rows
        let reference = ReferenceBackend<Float>()
        let timing = measure(settings.referencePlan) {
            // lda stays problem.lda: a transposed A band is the first `rows` columns of A.
            reference.gemm(band, lda: problem.lda, a: operands.a, b: operands.b, c: operands.reference.buffer)
            return operands.reference.buffer[0]
        }
        return ReferenceTiming(secondsPerCall: timing.secondsPerCall * Double(problem.m) / Double(rows),
                               isExtrapolated: rows < problem.m)
    }

    /// A fast kernel that is wrong is not fast: compare our C with the reference band and
    /// say so on stderr (the microkernels are under active development).
    private func warnIfDifferent(_ problem: GEMMProblem, _ operands: GEMMOperands, settings: BenchmarkSettings) {
        let count = referenceRows(problem, settings: settings) * problem.n
        // Entries are sums of k products of numbers in [-1, 1]; rounding differences grow with k.
        let tolerance = Float(problem.k) * 1e-5
        var worst: Float = 0
        for i in 0..<count {
            worst = max(worst, abs(operands.ours.buffer[i] - operands.reference.buffer[i]))
        }
        if !(worst <= tolerance) {
            printToStandardError("warning: \(problem.kernel) \(problem.shape) differs from the reference by \(worst)")
        }
    }
}

extension KernelBackend where Scalar == Float {
    /// C = op(A)·op(B) for `problem`, with A's leading dimension overridable for row bands.
    fileprivate func gemm(_ problem: GEMMProblem, lda: Int? = nil, a: AlignedBuffer<Float>, b: AlignedBuffer<Float>,
                          c: UnsafeMutableBufferPointer<Float>) {
        gemm(transposeA: problem.transposesA ? .transposed : .none,
             transposeB: problem.transposesB ? .transposed : .none,
             m: problem.m, n: problem.n, k: problem.k,
             alpha: 1, a: a.readOnly, lda: lda ?? problem.lda, b: b.readOnly, ldb: problem.ldb,
             beta: 0, c: c, ldc: problem.n)
    }
}
