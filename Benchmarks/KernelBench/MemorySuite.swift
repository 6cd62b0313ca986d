import Backprop

/// Bandwidth of the memory-bound kernels (activations, softmax, db, SGD) against the
/// reference backend and against `memcpy` of the same traffic.
struct MemorySuite: BenchmarkSuite {
    /// Element counts measured: 16 Mi floats (far beyond the caches) and 5000, the size
    /// of a 100 x 50 hidden activation in training (inside L1/L2).
    var sizes = [16 * 1024 * 1024, 5000]

    var key: String { "memory" }
    var title: String { "Memory-bound kernels  GB/s = (bytes read + bytes written) / time" }
    var unit: RateUnit { .gigabytes }
    var baselines: [BaselineColumn] { [BaselineColumn(key: "memcpy", title: "memcpy")] }
    var comparesWithPeak: Bool { false }
    var kernelNames: [String] { MemoryKernel.standardSet.map(\.name) }

    func run(settings: BenchmarkSettings, report: (BenchmarkResult) -> Void) {
        let kernels = MemoryKernel.standardSet.filter { settings.includes($0.name) }
        guard !kernels.isEmpty else { return }
        let largest = sizes.flatMap { size in kernels.map { $0.bytes(elements: size) } }.max() ?? 0
        let memcpy = MemcpyBaseline(maximumBytes: Int(largest))

        for size in sizes {
            let workspace = MemoryWorkspace(elements: size, seed: UInt64(size))
            let reference = ReferenceBackend<Float>()
            // The reference mostly runs far below memory bandwidth, so its time per element
            // is the same on a prefix as on the whole workspace.
            let references = kernels.map { kernel in
                let referenceElements = kernel.referenceScalesLinearly ? min(size, settings.referenceElementLimit) : size
                let timing = measure(settings.referencePlan) {
                    kernel.run(on: reference, in: workspace, elements: referenceElements)
                }
                let scale = kernel.bytes(elements: size) / kernel.bytes(elements: referenceElements)
                return ReferenceTiming(secondsPerCall: timing.secondsPerCall * scale,
                                       isExtrapolated: referenceElements < size)
            }
            let memcpyRates = kernels.map { memcpy.rate(bytes: $0.bytes(elements: size), plan: settings.plan) }

            for threads in settings.threadCounts {
                FastBackend.threadCount = threads
                let fast = FastBackend()
                for (index, kernel) in kernels.enumerated() {
                    let timing = measure(settings.plan) { kernel.run(on: fast, in: workspace) }
                    report(BenchmarkResult(
                        kernel: kernel.name, shape: kernel.shape(elements: size), note: nil, threads: threads,
                        unit: unit, workPerCall: kernel.bytes(elements: size), timing: timing,
                        reference: references[index], baselineRates: [memcpyRates[index]]))
                }
            }
        }
    }
}
