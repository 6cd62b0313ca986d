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
    /// "OpenBLAS 0.3.21 <build options> (path)", or nil when no OpenBLAS was found.
    var openBLAS: String?
    var isQuick: Bool
    /// The FMA peak measured on `instructionSet` for each thread count, or nil when it was not
    /// measured (`--train`, or no selected suite compares with it) or could not be.
    var peak: MeasuredPeak?

    init(threadCounts: [Int], openBLAS: OpenBLAS?, isQuick: Bool, peak: MeasuredPeak?) {
        instructionSet = String(cString: ck_isa_name(ck_active_isa()))
        supportedInstructionSets = [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON]
            .filter { ck_isa_supported($0) != 0 }
            .map { String(cString: ck_isa_name($0)) }
        openMP = FastBackend.isParallel
        self.threadCounts = threadCounts
        cpuModel = Self.readCPUModel() ?? "unknown CPU"
        cores = ProcessInfo.processInfo.activeProcessorCount
        self.openBLAS = openBLAS.map { blas in
            "\(blas.configuration ?? "OpenBLAS") (\(blas.location))"
        }
        self.isQuick = isQuick
        self.peak = peak
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
            return "peak (measured, \(peak.instructionSet) FMA, \(threadCounts.map(String.init).joined(separator: " / ")) "
                + "thread\(threadCounts == [1] ? "" : "s")): \(rates.joined(separator: " / ")) GFLOP/s"
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
            ("quick", .bool(isQuick)),
            ("peak_isa", peak.map { .string($0.instructionSet) } ?? .null),
            // One per entry of "threads", in the same order.
            ("peak_gflops", peak.map { peak in .numbers(threadCounts.map { peak.gigaflops(threads: $0) }) } ?? .null),
        ])
    }
}
