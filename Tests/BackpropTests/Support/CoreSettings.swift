import Backprop
import CKernels
import Testing

// The C core's thread bound and instruction set are process-wide. Tests that change them sit
// in one `.serialized` suite (``CoreSettingsTests``) and restore them with these helpers.

/// The instruction sets this CPU and build can run, scalar first.
let supportedInstructionSets: [ck_isa] = [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON]
    .filter { ck_isa_supported($0) != 0 }

extension ck_isa {
    /// "scalar", "avx2", … for messages.
    var name: String { String(cString: ck_isa_name(self)) }
}

/// Runs `body` with ``FastBackend/threadCount`` set to `count`, then restores the bound.
func withThreadCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
    let original = FastBackend.threadCount
    defer { FastBackend.threadCount = original }
    FastBackend.threadCount = count
    return try body()
}

/// Runs `body` with `isa` forced, then restores the instruction set that was active.
func withInstructionSet<Result>(_ isa: ck_isa, _ body: () throws -> Result) throws -> Result {
    let original = ck_active_isa()
    defer { ck_set_isa(original) }
    try #require(ck_set_isa(isa) == CK_OK, "ck_set_isa(\(isa.name)) failed although ck_isa_supported said yes")
    return try body()
}

/// The bit patterns of every parameter, in order W1 b1 …: what "bitwise identical" compares
/// (`==` on Float would equate +0 with -0 and fail on NaN).
func parameterBits<Backend: KernelBackend>(of network: MultiLayerNet<Backend>) -> [[UInt32]]
where Backend.Scalar == Float {
    network.parameters.map { $0.tensor.scalars.map(\.bitPattern) }
}

/// The parent of every suite whose tests change the thread bound or the instruction set;
/// `.serialized` applies to every suite nested here, whichever file declares it.
@Suite(.serialized)
enum CoreSettingsTests {}
