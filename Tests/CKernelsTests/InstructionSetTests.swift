import Backprop
import CKernels
import Testing
import TestSupport

extension SerializedCoreTests {
    @Suite("Instruction-set selection")
    struct InstructionSetTests {
        @Test("Every status has a description and every ISA a name")
        func names() {
            for status in [CK_OK, CK_EINVAL, CK_ERANGE, CK_EUNSUPPORTED] {
                #expect(!String(cString: ck_status_string(status)).isEmpty)
            }
            #expect(allISAs.map(\.name) == ["scalar", "avx2", "avx512", "neon"])
            #expect(String(cString: ck_isa_name(ck_isa(rawValue: 99))) == "unknown")
        }

        @Test("Scalar is always supported and the active ISA is a supported one")
        func activeISA() {
            #expect(ck_isa_supported(CK_ISA_SCALAR) == 1)
            #expect(supportedISAs.contains(ck_active_isa()), "active \(ck_active_isa().name)")
        }

        @Test("ck_set_isa switches to every supported ISA, which reports a register tile")
        func switching() throws {
            try forEachSupportedISA { isa in
                #expect(ck_active_isa() == isa)
                #expect(FastBackend.instructionSet == isa.name)
                var (mr, nr): (Int32, Int32) = (0, 0)
                ck_gemm_tile(isa, &mr, &nr)
                #expect(mr > 0 && nr > 0, "\(isa.name) tile \(mr)x\(nr)")
            }
        }

        @Test("ck_set_isa refuses an unsupported ISA, changes nothing, and its tile is 0 x 0")
        func unsupported() {
            let before = ck_active_isa()
            for isa in allISAs where ck_isa_supported(isa) == 0 {
                #expect(ck_set_isa(isa) == CK_EUNSUPPORTED, "\(isa.name)")
                var (mr, nr): (Int32, Int32) = (-1, -1)
                ck_gemm_tile(isa, &mr, &nr)
                #expect(mr == 0 && nr == 0, "\(isa.name) tile \(mr)x\(nr)")
            }
            #expect(ck_set_isa(ck_isa(rawValue: 99)) == CK_EUNSUPPORTED)
            #expect(ck_active_isa() == before)
        }
    }
}
