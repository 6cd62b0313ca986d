import CKernels
import Testing

// The C core's instruction set and thread bound are process-wide. Test suites that change
// them run serialized and restore them with these helpers, shared by every test target.

/// The four instruction sets, in the order the tests visit them.
public let allISAs: [ck_isa] = [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON]

/// The instruction sets this CPU and build can run: scalar always, the SIMD ones as they land.
public let supportedISAs: [ck_isa] = allISAs.filter { ck_isa_supported($0) != 0 }

extension ck_isa {
    /// "scalar", "avx2", ... for messages.
    public var name: String { String(cString: ck_isa_name(self)) }
}

/// Runs `body` with the C core's thread bound set to `count`, then restores the bound.
public func withThreadCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
    let original = ck_get_num_threads()
    defer { ck_set_num_threads(original) }
    ck_set_num_threads(Int32(clamping: count))
    return try body()
}

/// Runs `body` with `isa` forced, then restores the instruction set that was active.
public func withInstructionSet<Result>(_ isa: ck_isa, _ body: () throws -> Result) throws -> Result {
    let original = ck_active_isa()
    defer { ck_set_isa(original) }
    try #require(ck_set_isa(isa) == CK_OK, "ck_set_isa(\(isa.name)) failed although ck_isa_supported said yes")
    return try body()
}
