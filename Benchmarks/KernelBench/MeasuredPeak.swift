import CKernels
import CPeakProbe
import Foundation

/// The machine's arithmetic peak, measured: what its fused multiply-add units do on the
/// instruction set our kernels run, with no memory traffic at all.
///
/// This is the denominator of the GEMM suite's "% of peak" column. A GEMM is a stream of
/// FMAs fed from caches; it can at best keep the FMA pipes busy on every cycle, so the rate of
/// independent register-only FMA chains (`pp_fma_flops`, Benchmarks/PeakProbe) is the ceiling
/// it is measured against. Measured rather than computed from a data sheet: the clock a core
/// sustains under 512-bit FMA load, and whether it issues 512-bit FMAs at full width, vary from
/// part to part and with the load of a shared machine.
struct MeasuredPeak {
    /// The instruction set the probe ran ("avx512"): the one our kernels use in this run.
    var instructionSet: String
    /// GFLOP/s for each thread count measured.
    var gigaflopsByThreads: [Int: Double]
    /// The spread of each figure (`Timing.spread`: three groups of runs, their best rates).
    var spreadByThreads: [Int: Double] = [:]

    /// The peak with `threads` threads, if that count was measured.
    func gigaflops(threads: Int) -> Double? {
        gigaflopsByThreads[threads]
    }

    /// How far apart the repetitions of that figure were.
    func spread(threads: Int) -> Double? {
        spreadByThreads[threads]
    }

    /// Measures the FMA peak of `isa` for each of `threadCounts` the way the kernels are
    /// measured: the best of `repetitions` short runs (every thread runs the probe for about
    /// `secondsPerThread`), thread counts interleaved run by run, with the spread of three
    /// groups of runs. Nil when the probe cannot run `isa` (not in this build or not on this CPU).
    static func measure(isa: ck_isa, threadCounts: [Int], secondsPerThread: Double = 0.02,
                        repetitions: Int = 30) -> MeasuredPeak? {
        guard let perThread = iterations(lasting: secondsPerThread, isa: isa) else { return nil }
        let counts = Array(Set(threadCounts)).sorted()
        var secondsPerFlop = [Int: [Double]]()
        for _ in 0..<max(1, repetitions) {
            for threads in counts {
                secondsPerFlop[threads, default: []].append(1 / gigaflops(isa: isa, threads: threads, iterations: perThread))
            }
        }
        var peak = MeasuredPeak(instructionSet: String(cString: ck_isa_name(isa)), gigaflopsByThreads: [:])
        for (threads, times) in secondsPerFlop {
            peak.gigaflopsByThreads[threads] = 1 / times.min()!
            peak.spreadByThreads[threads] = Timing.spread(of: times)
        }
        return peak
    }

    /// The probe iterations one thread runs in about `target` seconds: doubled from a short run
    /// until a run lasts 20 ms (which also brings the core to its FMA clock), then scaled.
    private static func iterations(lasting target: Double, isa: ck_isa) -> Int? {
        var iterations = 1 << 12
        var sink: Float = 0
        while true {
            let start = ContinuousClock.now
            guard pp_fma_flops(isa, iterations, &sink) > 0 else { return nil }
            let elapsed = seconds(since: start)
            if elapsed >= 0.02 {
                return max(1, Int(Double(iterations) * target / elapsed))
            }
            iterations *= 2
        }
    }

    /// GFLOP/s of `threads` threads running the probe at the same time: the FLOPs of all of
    /// them over the time from the earliest start to the last finish.
    ///
    /// Each probe runs on its own OS thread (not a pool, which may run the work items one after
    /// another), and all of them wait at a barrier until every thread exists, so the runs
    /// overlap unless the OS has fewer free cores than threads, which the time then shows.
    private static func gigaflops(isa: ck_isa, threads: Int, iterations: Int) -> Double {
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let spans = ProbeSpans()
        for _ in 0..<threads {
            Thread {
                ready.signal()
                go.wait()
                var sink: Float = 0
                let start = ContinuousClock.now
                let flops = pp_fma_flops(isa, iterations, &sink)
                spans.append(ProbeSpan(start: start, end: .now, flops: flops, witness: sink))
                finished.signal()
            }.start()
        }
        for _ in 0..<threads { ready.wait() }
        for _ in 0..<threads { go.signal() }
        for _ in 0..<threads { finished.wait() }

        let all = spans.all
        guard let start = all.map(\.start).min(), let end = all.map(\.end).max() else { return 0 }
        consume(all.reduce(0) { $0 + $1.witness })
        return all.reduce(0) { $0 + $1.flops } / seconds(in: end - start) / 1e9
    }
}

/// One probe thread's run.
private struct ProbeSpan {
    var start: ContinuousClock.Instant
    var end: ContinuousClock.Instant
    var flops: Double
    /// The probe's result, folded into the benchmark's witness sink (`consume`).
    var witness: Float
}

/// The probe threads' spans, appended under a lock from the threads and read by the caller
/// once every thread has signalled that it is done.
private final class ProbeSpans: @unchecked Sendable {
    private let lock = NSLock()
    private var spans: [ProbeSpan] = []

    func append(_ span: ProbeSpan) {
        lock.withLock { spans.append(span) }
    }

    var all: [ProbeSpan] {
        lock.withLock { spans }
    }
}
