import ArgumentParser
import Backprop
import CKernels
import Foundation

/// `kernel-bench`: how fast the C core is, against the pure-Swift reference backend,
/// OpenBLAS (when installed) and memcpy.
@main
struct KernelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel-bench",
        abstract: "Measure the CKernels GEMM, memory-bound, convolution and pooling kernels.",
        discussion: """
            Prints one row per kernel, shape and thread count: the rate (GFLOP/s for GEMM and convolution, GB/s for \
            memory-bound kernels and pooling), the median time per call, the speedup over ReferenceBackend<Float> \
            and the comparison with OpenBLAS (loaded at run time if present) or memcpy. \
            See Benchmarks/README.md.
            """)

    @Flag(help: "Fewer repetitions, no 2048 GEMM, smaller reference runs (under 30 s on 2 cores).")
    var quick = false

    @Flag(help: "One JSON object per line instead of the table.")
    var json = false

    @Option(help: ArgumentHelp("Comma-separated thread counts to measure.", valueName: "n,n,..."))
    var threads = ThreadCounts(values: [1, 2])

    @Option(help: "Only kernels whose name contains this (case-insensitive), e.g. sgemm, softmax, _nt.")
    var filter: String?

    @Option(help: "Run our kernels on this instruction set instead of the best one.")
    var isa: InstructionSet?

    @Option(help: "Timed samples per measurement (the median is reported).")
    var repetitions: Int?

    @Flag(help: "Time the book's full training run (as 'backprop train') against numpy float32, with where a step's time goes, instead of the kernels.")
    var train = false

    @Option(help: ArgumentHelp(
        "Time one training epoch of the book's SimpleConvNet or DeepConvNet (600 steps of 100, Adam 0.001, Trainer.step() only) against PyTorch eager, instead of the kernels. --quick times 60 steps and scales.",
        valueName: "simple|deep"))
    var convnet: ConvNetEpochBenchmark.Network?

    /// The suites in the order they run. A new suite is one file plus one entry here.
    static func suites(openBLAS: OpenBLAS?) -> [any BenchmarkSuite] {
        [GEMMSuite(openBLAS: openBLAS), MemorySuite(), ConvolutionSuite(), PoolingSuite()]
    }

    func validate() throws {
        if let repetitions, repetitions < 1 {
            throw ValidationError("--repetitions must be at least 1, got \(repetitions).")
        }
        if train, let convnet {
            throw ValidationError("--train and --convnet \(convnet.rawValue) are two different runs; give one of them.")
        }
        if let filter {
            let names = Self.suites(openBLAS: nil).flatMap(\.kernelNames)
            if !names.contains(where: { $0.lowercased().contains(filter.lowercased()) }) {
                throw ValidationError("--filter \(filter): no kernel name contains it. Kernels: \(Set(names).sorted().joined(separator: ", ")).")
            }
        }
    }

    func run() throws {
        if let isa {
            let status = ck_set_isa(isa.ckValue)
            guard status == CK_OK else {
                throw ValidationError("""
                    --isa \(isa.rawValue): \(String(cString: ck_status_string(status))). \
                    Supported here: \(InstructionSet.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")).
                    """)
            }
        }

        // Without OpenMP every kernel runs on one thread; rows claiming more would be false.
        var threadCounts = threads.values
        if !FastBackend.isParallel, threadCounts.contains(where: { $0 > 1 }) {
            printToStandardError("kernel-bench: the C core was built without OpenMP; measuring 1 thread only.")
            threadCounts = [1]
        }

        if let convnet {
            let printer: any ResultPrinter = json ? JSONLinesPrinter() : TablePrinter()
            let peak = MeasuredPeak.measure(isa: ck_active_isa(), threadCounts: threadCounts)
            printer.printHeader(MachineDescription(threadCounts: threadCounts, openBLAS: nil, isQuick: quick, peak: peak))
            fflush(nil)
            try ConvNetEpochBenchmark(network: convnet, steps: quick ? ConvNetEpochBenchmark.epochSteps / 10 : ConvNetEpochBenchmark.epochSteps,
                                      threadCounts: threadCounts, json: json, peak: peak).run()
            return
        }

        if train {
            let printer: any ResultPrinter = json ? JSONLinesPrinter() : TablePrinter()
            let peak = MeasuredPeak.measure(isa: ck_active_isa(), threadCounts: threadCounts)
            printer.printHeader(MachineDescription(threadCounts: threadCounts, openBLAS: nil, isQuick: quick, peak: peak))
            fflush(nil) // the header, with its warnings, before the minutes of measuring
            let settings = BenchmarkSettings(threadCounts: threadCounts, isQuick: quick, filter: nil, repetitions: repetitions)
            try TrainingBenchmark(iterations: quick ? 2000 : 10_000, threadCounts: threadCounts, json: json,
                                  peak: peak, plan: settings.plan).run()
            return
        }

        var settings = BenchmarkSettings(threadCounts: threadCounts, isQuick: quick, filter: filter,
                                         repetitions: repetitions)
        // Only when a selected suite shows "% of peak" (the probe takes about 2 s), and before
        // OpenBLAS is loaded: its worker threads start with the library and spin for about
        // 0.1 s before they sleep, which would take a core from the probe.
        let comparesWithPeak = Self.suites(openBLAS: nil).contains { suite in
            suite.comparesWithPeak && suite.kernelNames.contains(where: settings.includes)
        }
        if comparesWithPeak {
            settings.peak = MeasuredPeak.measure(isa: ck_active_isa(), threadCounts: threadCounts)
        }
        let openBLAS = OpenBLAS.load()
        let printer: any ResultPrinter = json ? JSONLinesPrinter() : TablePrinter()
        printer.printHeader(MachineDescription(threadCounts: threadCounts, openBLAS: openBLAS, isQuick: quick,
                                               peak: settings.peak))
        fflush(nil) // the header, with its warnings, before the first measurement

        for suite in Self.suites(openBLAS: openBLAS) where suite.kernelNames.contains(where: settings.includes) {
            printer.beginSuite(suite)
            suite.run(settings: settings) { result in
                printer.printResult(result, of: suite)
                fflush(nil) // rows appear as they are measured, even through a pipe
            }
        }
    }
}

/// The `--threads` list: positive counts separated by commas ("1,2").
struct ThreadCounts: ExpressibleByArgument {
    var values: [Int]

    init(values: [Int]) {
        self.values = values
    }

    init?(argument: String) {
        let parsed = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        values = parsed.compactMap { $0 }
    }

    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

/// The `--isa` values, named as `ck_isa_name` names them.
enum InstructionSet: String, CaseIterable, ExpressibleByArgument {
    case scalar, avx2, avx512, neon

    var ckValue: ck_isa {
        switch self {
        case .scalar: CK_ISA_SCALAR
        case .avx2: CK_ISA_AVX2
        case .avx512: CK_ISA_AVX512
        case .neon: CK_ISA_NEON
        }
    }

    var isSupported: Bool { ck_isa_supported(ckValue) != 0 }
}

/// A line on stderr, for warnings that must not mix with the table or the JSON on stdout.
func printToStandardError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
