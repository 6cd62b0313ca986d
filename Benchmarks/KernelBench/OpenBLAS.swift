import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system OpenBLAS, loaded at run time so that it is never a build dependency.
///
/// Only `cblas_sgemm` and `openblas_set_num_threads` are used: the GEMM suite compares our
/// products with OpenBLAS's at the same thread count.
struct OpenBLAS {
    private typealias SgemmFunction = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32,
        Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    private typealias SetThreadsFunction = @convention(c) (Int32) -> Void
    private typealias ConfigFunction = @convention(c) () -> UnsafePointer<CChar>?

    // CBLAS enumeration values (cblas.h).
    private static let rowMajor: Int32 = 101
    private static let noTranspose: Int32 = 111
    private static let transpose: Int32 = 112

    /// The file the library was loaded from, or the name passed to dlopen.
    let location: String
    /// OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ..."), if it exports one.
    let configuration: String?
    /// The kernels it runs ("Cooperlake", "Haswell"): its own choice for the CPU, or what
    /// OPENBLAS_CORETYPE forces; nil if it does not say.
    let coreName: String?
    private let sgemm: SgemmFunction
    private let setThreads: SetThreadsFunction?

    /// The library names tried, in order.
    static var candidateNames: [String] {
        #if os(macOS)
        ["libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
         "/usr/local/opt/openblas/lib/libopenblas.dylib"]
        #else
        ["libopenblas.so.0", "libopenblas.so"]
        #endif
    }

    /// Loads the first OpenBLAS found that exports `cblas_sgemm`; nil if there is none.
    static func load() -> OpenBLAS? {
        for name in candidateNames {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let sgemmSymbol = dlsym(handle, "cblas_sgemm") else {
                dlclose(handle)
                continue
            }
            let setThreads = dlsym(handle, "openblas_set_num_threads")
                .map { unsafeBitCast($0, to: SetThreadsFunction.self) }
            let configuration = dlsym(handle, "openblas_get_config")
                .map { unsafeBitCast($0, to: ConfigFunction.self) }?()
                .map { String(cString: $0) }
            let coreName = dlsym(handle, "openblas_get_corename")
                .map { unsafeBitCast($0, to: ConfigFunction.self) }?()
                .map { String(cString: $0) }
            return OpenBLAS(location: loadedPath(of: sgemmSymbol) ?? name,
                            configuration: configuration, coreName: coreName,
                            sgemm: unsafeBitCast(sgemmSymbol, to: SgemmFunction.self),
                            setThreads: setThreads)
        }
        return nil
    }

    /// The file `symbol` was loaded from: dladdr on macOS; on Linux, where glibc declares
    /// dladdr only under _GNU_SOURCE, the mapping that contains the symbol's address.
    private static func loadedPath(of symbol: UnsafeMutableRawPointer) -> String? {
        #if os(macOS)
        var info = Dl_info()
        guard dladdr(symbol, &info) != 0, let path = info.dli_fname else { return nil }
        return String(cString: path)
        #else
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        let address = UInt(bitPattern: symbol)
        for line in maps.split(separator: "\n") {
            // "start-end perms offset dev inode path"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            if bounds.count == 2, bounds[0] <= address, address < bounds[1] {
                return fields[5...].joined(separator: " ")
            }
        }
        return nil
        #endif
    }

    /// Sets OpenBLAS's thread count (a no-op if the library does not export the setter).
    func setThreadCount(_ count: Int) {
        setThreads?(Int32(clamping: count))
    }

    /// C = op(A) · op(B) for a row-major problem, overwriting C.
    func multiply(_ problem: GEMMProblem, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                  c: UnsafeMutablePointer<Float>) {
        sgemm(Self.rowMajor,
              problem.transposesA ? Self.transpose : Self.noTranspose,
              problem.transposesB ? Self.transpose : Self.noTranspose,
              Int32(problem.m), Int32(problem.n), Int32(problem.k),
              1, a, Int32(problem.lda), b, Int32(problem.ldb),
              0, c, Int32(problem.n))
    }
}
