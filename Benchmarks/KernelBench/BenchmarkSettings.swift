import Backprop

/// Everything a suite needs to know about the run: what to measure and how thoroughly.
struct BenchmarkSettings {
    /// Thread bounds to measure, each a separate row.
    var threadCounts: [Int]
    /// The `--quick` mode: fewer repetitions, no 2048 GEMM, smaller reference runs.
    var isQuick: Bool
    /// Only kernels whose name contains this (case-insensitive) run.
    var filter: String?
    /// The machine's measured FMA peak per thread count, the denominator of "% of peak";
    /// nil when it was not measured (no selected suite compares with it) or could not be.
    var peak: MeasuredPeak?
    /// Timing of our kernels and of the baselines: the fastest of many short batches.
    var plan: MeasurementPlan
    /// Timing of the slow reference backend: fewer, budgeted repetitions.
    var referencePlan: MeasurementPlan
    /// The most FLOPs one reference GEMM call may do; larger products run on a band of rows
    /// and are extrapolated.
    var referenceGEMMFlopLimit: Double
    /// The most elements one reference call of a memory-bound kernel may touch; larger
    /// workspaces run on a prefix and are extrapolated.
    var referenceElementLimit: Int

    /// The settings for a full or a quick run. `repetitions`, when given, is the exact number
    /// of samples of our kernels and baselines (the time budget no longer cuts it short) and
    /// caps the reference's samples.
    init(threadCounts: [Int], isQuick: Bool, filter: String?, repetitions: Int?) {
        self.threadCounts = threadCounts
        self.isQuick = isQuick
        self.filter = filter
        if isQuick {
            plan = MeasurementPlan(minimumWarmupSeconds: 0.01, samples: repetitions ?? 9,
                                   minimumSamples: repetitions ?? 3, minimumSampleSeconds: 0.001, budgetSeconds: 0.15)
            referencePlan = MeasurementPlan(minimumWarmupSeconds: 0, samples: min(repetitions ?? 3, 3),
                                            minimumSamples: 1, minimumSampleSeconds: 0.002, budgetSeconds: 0.1)
            referenceGEMMFlopLimit = 1e7
            referenceElementLimit = 1 << 20
        } else {
            plan = MeasurementPlan(minimumWarmupSeconds: 0.1, samples: repetitions ?? 30,
                                   minimumSamples: repetitions ?? 9, minimumSampleSeconds: 0.002, budgetSeconds: 2)
            referencePlan = MeasurementPlan(minimumWarmupSeconds: 0, samples: min(repetitions ?? 5, 5),
                                            minimumSamples: 1, minimumSampleSeconds: 0.01, budgetSeconds: 1)
            referenceGEMMFlopLimit = 2e8
            referenceElementLimit = 1 << 24
        }
    }

    /// Whether `kernel` passes `--filter`.
    func includes(_ kernel: String) -> Bool {
        guard let filter, !filter.isEmpty else { return true }
        return kernel.lowercased().contains(filter.lowercased())
    }

    /// Runs `body` once per thread count, `FastBackend` bound to that count, with the plan for
    /// it: timed by the calling thread's CPU time for one thread (`usesThreadCPUTime`), by the
    /// wall clock otherwise. Leaves `FastBackend` on its default thread count.
    func forEachThreadCount(_ body: (_ threads: Int, _ plan: MeasurementPlan) -> Void) {
        for threads in threadCounts {
            FastBackend.threadCount = threads
            var plan = self.plan
            plan.usesThreadCPUTime = threads == 1
            body(threads, plan)
        }
        FastBackend.threadCount = 0
    }
}
