import Backprop
import CKernels
import Foundation

/// What the figures were measured on, printed before any result.
struct MachineDescription {
    /// The instruction set our kernels run on.
    var instructionSet: String
    /// The instruction sets this CPU and build could run.
    var supportedInstructionSets: [String]
    var openMP: Bool
    var threadCounts: [Int]
    var cpuModel: String
    var cores: Int
    /// "OpenBLAS 0.3.21 <build options> (path), kernels Cooperlake", or nil when no OpenBLAS was found.
    var openBLAS: String?
    /// The kernels OpenBLAS runs, as it reports them (or as OPENBLAS_CORETYPE forces them).
    var openBLASCore: String?
    /// The variables set in the environment that override OpenBLAS's own choices for this CPU.
    var openBLASOverrides: [(name: String, value: String)]
    var isQuick: Bool
    /// The FMA peak measured on `instructionSet` for each thread count, or nil when it was not
    /// measured (`--train`, or no selected suite compares with it) or could not be.
    var peak: MeasuredPeak?
    /// The cache geometry the C core detected (or was given through CKERNELS_CACHES).
    var caches: ck_cache_info
    /// The GEMM blocks it chose from them for `instructionSet`.
    var blocking: ck_gemm_blocking_info
    /// The 1, 5 and 15 minute load averages when the run started (empty where unavailable).
    var loadAverages: [Double]

    /// The environment variables that make OpenBLAS (ours to compare with, and numpy's) run
    /// other kernels or blocks than it would choose for the CPU.
    static let openBLASOverrideNames = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]

    init(threadCounts: [Int], openBLAS: OpenBLAS?, isQuick: Bool, peak: MeasuredPeak?,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        instructionSet = String(cString: ck_isa_name(ck_active_isa()))
        supportedInstructionSets = [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON]
            .filter { ck_isa_supported($0) != 0 }
            .map { String(cString: ck_isa_name($0)) }
        openMP = FastBackend.isParallel
        self.threadCounts = threadCounts
        cpuModel = Self.readCPUModel() ?? "unknown CPU"
        cores = ProcessInfo.processInfo.activeProcessorCount
        openBLASOverrides = Self.openBLASOverrideNames.compactMap { name in environment[name].map { (name, $0) } }
        openBLASCore = openBLAS?.coreName ?? environment["OPENBLAS_CORETYPE"]
        self.openBLAS = openBLAS.map { blas in
            "\(blas.configuration ?? "OpenBLAS") (\(blas.location))" + (blas.coreName.map { ", kernels \($0)" } ?? "")
        }
        self.isQuick = isQuick
        self.peak = peak
        caches = ck_cache_info()
        ck_caches(&caches)
        blocking = ck_gemm_blocking_info()
        ck_gemm_blocking(ck_active_isa(), &blocking)
        var loads = [Double](repeating: 0, count: 3)
        loadAverages = getloadavg(&loads, 3) == 3 ? loads : []
    }

    /// "caches (cpuid): L1d 32 KiB, L2 1024 KiB, L3 32768 KiB shared by 2 | GEMM blocks avx512: ..."
    var cachesLine: String {
        let l3 = caches.l3_bytes > 0 ? ", L3 \(caches.l3_bytes >> 10) KiB shared by \(caches.l3_shared_by)" : ", no L3"
        let l2Sharing = caches.l2_shared_by > 1 ? " shared by \(caches.l2_shared_by)" : ""
        return "caches (\(String(cString: caches.source))): L1d \(caches.l1d_bytes >> 10) KiB, "
            + "L2 \(caches.l2_bytes >> 10) KiB\(l2Sharing)\(l3) | GEMM blocks \(instructionSet): "
            + "MR x NR \(blocking.mr) x \(blocking.nr), MC \(blocking.mc), NC \(blocking.nc), KC \(blocking.kc)"
            + (blocking.unpacked_mr > 0 ? ", unpacked \(blocking.unpacked_mr) x \(blocking.unpacked_nr)" : "")
            + " | load average \(loadAverages.map { String(format: "%.2f", $0) }.joined(separator: " "))"
    }

    /// A warning when other processes were busy as the run started: their load inflates
    /// times (the minima hide part of it) and makes ratios between libraries noisy.
    var loadWarning: String? {
        guard let load = loadAverages.first, load > 0.5 else { return nil }
        return String(format: "warning: load average %.2f on %d cores when the run started: other processes are running, "
                      + "so these figures are not trustworthy (best-of-batches minima hide part of it; compare ratios "
                      + "measured side by side, and rerun on a quiet machine)", load, cores)
    }

    /// A warning when the environment overrides OpenBLAS's choices: the ratios to OpenBLAS (and
    /// numpy's times) are then against kernels it would not run on this CPU. On the Zen 5 class
    /// machine, OPENBLAS_CORETYPE=Haswell made our GEMM look 1.73-1.88x OpenBLAS; left to its
    /// own (Cooperlake) kernels the ratio was 0.95-0.99x.
    var openBLASWarning: String? {
        guard !openBLASOverrides.isEmpty else { return nil }
        let settings = openBLASOverrides.map { "\($0.name)=\($0.value)" }.joined(separator: " and ")
        let kernels = openBLASCore.map { "its \($0) kernels" } ?? "the kernels it is told to"
        return "warning: \(settings) set in the environment: OpenBLAS (and numpy's) runs \(kernels)"
            + (openBLASOverrides.contains { $0.name == "OPENBLAS_L2_SIZE" } ? " with an overridden L2 size" : "")
            + " instead of what it chooses for this CPU, so the comparisons are not with its best; "
            + "unset them for this command (env -u \(Self.openBLASOverrideNames.joined(separator: " -u ")) kernel-bench ...)"
    }

    /// The model name from /proc/cpuinfo on Linux, or the brand string on macOS.
    private static func readCPUModel() -> String? {
        #if os(macOS)
        var size = 0
        guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var bytes = [CChar](repeating: 0, count: size)
        guard sysctlbyname("machdep.cpu.brand_string", &bytes, &size, nil, 0) == 0 else { return nil }
        return String(cString: bytes)
        #else
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let line = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        #endif
    }

    /// One line for the text output.
    var headerLine: String {
        let isa = "ISA \(instructionSet) (supported: \(supportedInstructionSets.joined(separator: ", ")))"
        return [
            "kernel-bench\(isQuick ? " --quick" : "")",
            isa,
            "OpenMP \(openMP ? "on" : "off")",
            "threads \(threadCounts.map(String.init).joined(separator: ","))",
            "CPU \(cpuModel), \(cores) cores",
            openBLAS ?? "OpenBLAS not found",
        ].joined(separator: " | ")
    }

    /// "peak (measured, avx512 FMA, 1 / 2 threads): 230.1 / 459.8 GFLOP/s", or nil without a peak.
    var peakLine: String? {
        peak.map { peak in
            let rates = threadCounts.map { peak.gigaflops(threads: $0).map { String(format: "%.1f", $0) } ?? "-" }
            let spreads = threadCounts.map { peak.spread(threads: $0).map(TablePrinter.percent) ?? "-" }
            return "peak (measured, \(peak.instructionSet) FMA, \(threadCounts.map(String.init).joined(separator: " / ")) "
                + "thread\(threadCounts == [1] ? "" : "s")): \(rates.joined(separator: " / ")) GFLOP/s, "
                + "spread \(spreads.joined(separator: " / "))"
        }
    }

    /// The same facts as the first JSON line.
    var jsonLine: JSONLine {
        JSONLine([
            ("type", .string("machine")),
            ("isa", .string(instructionSet)),
            ("supported_isas", .strings(supportedInstructionSets)),
            ("openmp", .bool(openMP)),
            ("threads", .integers(threadCounts)),
            ("cpu", .string(cpuModel)),
            ("cores", .integer(cores)),
            ("openblas", openBLAS.map(JSONValue.string) ?? .null),
            ("openblas_core", openBLASCore.map(JSONValue.string) ?? .null),
            ("openblas_overrides", .object(openBLASOverrides.map { ($0.name, .string($0.value)) })),
            ("openblas_warning", openBLASWarning.map(JSONValue.string) ?? .null),
            ("quick", .bool(isQuick)),
            ("peak_isa", peak.map { .string($0.instructionSet) } ?? .null),
            // One per entry of "threads", in the same order.
            ("peak_gflops", peak.map { peak in .numbers(threadCounts.map { peak.gigaflops(threads: $0) }) } ?? .null),
            ("peak_spread", peak.map { peak in .numbers(threadCounts.map { peak.spread(threads: $0) }) } ?? .null),
            ("caches", .object([
                ("source", .string(String(cString: caches.source))),
                ("l1d_bytes", .integer(Int(caches.l1d_bytes))),
                ("l2_bytes", .integer(Int(caches.l2_bytes))), ("l2_shared_by", .integer(Int(caches.l2_shared_by))),
                ("l3_bytes", .integer(Int(caches.l3_bytes))), ("l3_shared_by", .integer(Int(caches.l3_shared_by))),
            ])),
            ("gemm_blocking", .object([
                ("isa", .string(instructionSet)),
                ("mr", .integer(Int(blocking.mr))), ("nr", .integer(Int(blocking.nr))),
                ("mc", .integer(blocking.mc)), ("nc", .integer(blocking.nc)), ("kc", .integer(blocking.kc)),
                ("unpacked_mr", .integer(Int(blocking.unpacked_mr))), ("unpacked_nr", .integer(Int(blocking.unpacked_nr))),
                ("a_panel_fits_l1", .bool(blocking.a_panel_fits_l1 != 0)),
            ])),
            ("load_average", .numbers(loadAverages.map { $0 })),
        ])
    }
}
