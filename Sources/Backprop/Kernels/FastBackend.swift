import CKernels

/// The C core (`CKernels`): vectorized for AVX-512, AVX2+FMA, NEON or plain C, chosen at run
/// time, and parallel with OpenMP. Float only.
///
/// Each method hands the Swift buffers straight to C: no copies, no allocation. The C core
/// validates its arguments again; a rejection here means a caller bypassed the shape checks
/// of the `Tensor` methods, which is a programmer error, so it stops with the reason.
public struct FastBackend: KernelBackend {
    public typealias Scalar = Float

    public init() {}

    public var name: String { "fast" }

    /// The instruction set the kernels run on ("avx512", "avx2", "neon", "scalar").
    public static var instructionSet: String { String(cString: ck_isa_name(ck_active_isa())) }

    /// Upper bound on the threads a kernel uses (process-wide). Setting a value below 1
    /// restores the default, one per core.
    public static var threadCount: Int {
        get { Int(ck_get_num_threads()) }
        set { ck_set_num_threads(Int32(clamping: newValue)) }
    }

    /// Whether the core was built with OpenMP (the `OpenMP` package trait and an installed
    /// runtime); without it every kernel runs on the calling thread.
    public static var isParallel: Bool { ck_openmp_enabled() != 0 }

    @inline(__always)
    func check(_ status: ck_status, _ kernel: StaticString, _ detail: @autoclosure () -> String) {
        if status != CK_OK {
            preconditionFailure("\(kernel): \(String(cString: ck_status_string(status))) (\(detail()))")
        }
    }

    func op(_ t: Transpose) -> ck_transpose { t == .none ? CK_NO_TRANS : CK_TRANS }
}
