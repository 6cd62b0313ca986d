import Backprop
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long and how often to run one kernel when timing it.
///
/// A timed sample repeats the call until it lasts at least `minimumSampleSeconds`, so that
/// microsecond kernels are not drowned in clock resolution; the median over samples is
/// robust against the odd preempted sample on a shared machine.
struct MeasurementPlan {
    /// Untimed calls (at least one) until this much time has passed: page faults, cold
    /// caches, thread start-up and clock ramp-up are over by then. A call that is longer
    /// than this is warmed up by itself.
    var minimumWarmupSeconds: Double
    /// The number of timed samples wanted; the median is reported.
    var samples: Int
    /// Samples never stop before this many, whatever the budget.
    var minimumSamples: Int
    /// A sample repeats the call until it lasts this long.
    var minimumSampleSeconds: Double
    /// Stop taking samples (after `minimumSamples`) once measuring has taken this long.
    var budgetSeconds: Double
}

/// The outcome of timing one kernel.
struct Timing {
    /// The median over samples of the seconds one call took.
    var secondsPerCall: Double
    /// The number of timed samples.
    var samples: Int
    /// Calls per sample.
    var callsPerSample: Int
}

/// The seconds elapsed since `start` on the monotonic `ContinuousClock` (not wall time).
func seconds(since start: ContinuousClock.Instant) -> Double {
    seconds(in: ContinuousClock.now - start)
}

/// A duration in seconds.
func seconds(in duration: Duration) -> Double {
    duration.seconds
}

/// Times `call` according to `plan`: warm-up, then the median of repeated samples.
///
/// `call` returns a value read from the kernel's output (a "witness"); the witnesses are
/// folded into a global the optimizer must keep, so no run can be elided as dead code.
/// This one function times every kernel, baseline and reference in every suite.
func measure(_ plan: MeasurementPlan, _ call: () -> Float) -> Timing {
    var witness: Float = 0
    var perCall: [Double] = []
    perCall.reserveCapacity(max(plan.samples, 1))

    let warmupStart = ContinuousClock.now
    var fastestWarmup = Double.infinity
    repeat {
        let start = ContinuousClock.now
        witness += call()
        fastestWarmup = min(fastestWarmup, seconds(since: start))
    } while seconds(since: warmupStart) < plan.minimumWarmupSeconds
    // A single call longer than the whole budget has nothing left to warm up (its operands
    // were touched when they were filled): it counts as the first sample, which halves the
    // cost of slow kernels in a quick run.
    var measuredSeconds = 0.0
    if fastestWarmup >= plan.budgetSeconds {
        perCall.append(fastestWarmup)
        measuredSeconds = fastestWarmup
    }

    let callsPerSample = fastestWarmup > 0
        ? max(1, Int((plan.minimumSampleSeconds / fastestWarmup).rounded(.up)))
        : 1
    while perCall.count < max(plan.samples, 1) {
        if perCall.count >= max(plan.minimumSamples, 1), measuredSeconds >= plan.budgetSeconds {
            break
        }
        let start = ContinuousClock.now
        for _ in 0..<callsPerSample {
            witness += call()
        }
        let elapsed = seconds(since: start)
        measuredSeconds += elapsed
        perCall.append(elapsed / Double(callsPerSample))
    }
    consume(witness)
    return Timing(secondsPerCall: median(perCall), samples: perCall.count, callsPerSample: callsPerSample)
}

/// The median of a non-empty list (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of an empty list")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Where witnesses end up. A global store is an observable side effect, which keeps the
/// benchmarked work alive under whole-module optimization.
nonisolated(unsafe) private var witnessSink: Float = 0

/// Folds `witness` into `witnessSink`: every timed call's result ends here.
@inline(never)
func consume(_ witness: Float) {
    witnessSink += witness
}

/// Waits until thread pools that spin after a parallel region have gone to sleep.
///
/// LLVM's OpenMP runtime keeps idle workers spinning for 200 ms (KMP_BLOCKTIME) and
/// OpenBLAS's pthread pool for 2^28 time-stamp-counter ticks (about 0.1 s). On a two-core
/// machine a spinning pool steals a core from the other library, so suites call this when
/// they switch libraries.
func letIdleThreadPoolsSleep() {
    usleep(300_000)
}
