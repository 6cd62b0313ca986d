import Backprop
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long and how often to run one kernel when timing it.
///
/// A timed batch repeats the call until it lasts at least `minimumSampleSeconds`: long enough
/// that microsecond kernels are not drowned in clock resolution, short enough that many
/// batches run between two preemptions on a shared machine. The figure is the fastest batch:
/// other processes only ever add time, so the minimum is the estimate that load disturbs least.
struct MeasurementPlan {
    /// Untimed calls (at least one) until this much time has passed: page faults, cold
    /// caches, thread start-up and clock ramp-up are over by then. A call that is longer
    /// than this is warmed up by itself.
    var minimumWarmupSeconds: Double
    /// The number of timed batches wanted; the fastest is reported.
    var samples: Int
    /// Batches never stop before this many, whatever the budget.
    var minimumSamples: Int
    /// A batch repeats the call until it lasts this long.
    var minimumSampleSeconds: Double
    /// Stop taking batches (after `minimumSamples`) once measuring has taken this long.
    var budgetSeconds: Double
    /// Time batches by the calling thread's CPU time instead of the wall clock: for kernels
    /// that run on the calling thread alone, so that the time other processes hold the core
    /// is not counted (the cache lines they evict still are). Wall clock for multi-threaded runs.
    var usesThreadCPUTime = false
}

/// Seconds of the wall clock (monotonic), or of the calling thread's CPU time.
private func now(threadCPUTime: Bool) -> Double {
    var time = timespec()
    clock_gettime(threadCPUTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The outcome of timing one kernel.
struct Timing {
    /// The fastest batch's seconds per call.
    var secondsPerCall: Double
    /// How far apart repeated measurements of the same figure are: the batches are split into
    /// three consecutive groups, each group's fastest batch is a repetition of the figure, and
    /// this is (slowest - fastest) / fastest of the three (0 with fewer than three batches).
    var spread: Double
    /// The number of timed batches.
    var samples: Int
    /// Calls per batch.
    var callsPerSample: Int

    /// The fastest batch and the spread of `perCall`, the seconds per call of each batch.
    init(batches perCall: [Double], callsPerSample: Int) {
        precondition(!perCall.isEmpty, "a timing needs at least one batch")
        secondsPerCall = perCall.min()!
        samples = perCall.count
        self.callsPerSample = callsPerSample
        spread = Self.spread(of: perCall)
    }

    static func spread(of values: [Double]) -> Double {
        guard values.count >= 3 else { return 0 }
        let third = values.count / 3
        let groups = [values[0..<third], values[third..<2 * third], values[(2 * third)...]]
        let bests = groups.map { $0.min()! }
        return (bests.max()! - bests.min()!) / bests.min()!
    }
}

/// The seconds elapsed since `start` on the monotonic `ContinuousClock` (not wall time).
func seconds(since start: ContinuousClock.Instant) -> Double {
    seconds(in: ContinuousClock.now - start)
}

/// A duration in seconds.
func seconds(in duration: Duration) -> Double {
    duration.seconds
}

/// Times `call` according to `plan`: warm-up, then the fastest of many short batches.
///
/// `call` returns a value read from the kernel's output (a "witness"); the witnesses are
/// folded into a global the optimizer must keep, so no run can be elided as dead code.
func measure(_ plan: MeasurementPlan, _ call: () -> Float) -> Timing {
    withoutActuallyEscaping(call) { call in measureInterleaved(plan, [call])[0] }
}

/// Times several implementations of the same work side by side: after each one's warm-up,
/// every round runs one batch of each, alternating which goes first, so that a burst of load
/// from other processes falls on all of them alike and their ratio stays meaningful.
/// `switchPause` seconds are slept before each batch when there is more than one
/// implementation (`letIdleThreadPoolsSleep`: thread pools that spin after a parallel region
/// would otherwise take cores from the next library). One `Timing` per call, in order.
func measureInterleaved(_ plan: MeasurementPlan, switchPause: Double = 0, _ calls: [() -> Float]) -> [Timing] {
    var witness: Float = 0
    var callsPerBatch: [Int] = []
    var perCall = [[Double]](repeating: [], count: calls.count)
    var measuredSeconds = 0.0
    for (index, call) in calls.enumerated() {
        let warmupStart = ContinuousClock.now
        var fastestWarmup = Double.infinity
        repeat {
            let start = ContinuousClock.now
            witness += call()
            fastestWarmup = min(fastestWarmup, seconds(since: start))
        } while seconds(since: warmupStart) < plan.minimumWarmupSeconds
        // A single call longer than the whole budget has nothing left to warm up: it counts
        // as the first batch, which halves the cost of slow kernels in a quick run.
        if fastestWarmup >= plan.budgetSeconds {
            perCall[index].append(fastestWarmup)
            measuredSeconds += fastestWarmup
        }
        callsPerBatch.append(fastestWarmup > 0 ? max(1, Int((plan.minimumSampleSeconds / fastestWarmup).rounded(.up))) : 1)
    }
    let wanted = max(plan.samples, 1)
    var round = 0
    while perCall.map(\.count).min()! < wanted {
        if perCall.map(\.count).min()! >= max(plan.minimumSamples, 1), measuredSeconds >= plan.budgetSeconds {
            break
        }
        let order = round % 2 == 0 ? Array(calls.indices) : calls.indices.reversed()
        for index in order where perCall[index].count < wanted {
            if calls.count > 1, switchPause > 0 {
                usleep(useconds_t(switchPause * 1e6))
            }
            let start = now(threadCPUTime: plan.usesThreadCPUTime)
            for _ in 0..<callsPerBatch[index] {
                witness += calls[index]()
            }
            let elapsed = now(threadCPUTime: plan.usesThreadCPUTime) - start
            measuredSeconds += elapsed
            perCall[index].append(elapsed / Double(callsPerBatch[index]))
        }
        round += 1
    }
    consume(witness)
    return calls.indices.map { Timing(batches: perCall[$0], callsPerSample: callsPerBatch[$0]) }
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
