import CKernels
import Testing
import TestSupport

extension SerializedCoreTests {
    /// The GEMM's block sizes MC and NC come from the cache geometry (`ck_caches`), which
    /// `CKERNELS_CACHES` or `ck_set_caches` can replace with another CPU's: whatever the caches,
    /// the blocks must be sensible and the results bitwise the same (KC is fixed).
    @Suite("GEMM under other CPUs' cache geometries")
    struct CacheGeometryTests {
        /// CPU, caches in CKERNELS_CACHES's syntax, and the width NC of the B block the model
        /// gives: half of the core's L2 over KC x 4 bytes (within one NR).
        static let geometries: [(cpu: String, spec: String, nc: Int)] = [
            ("AMD Zen 4 / Zen 5", "l1d=32K,l2=1M,l3=32M/16", 512),
            ("Intel Ice Lake server", "l1d=48K,l2=1280K,l3=48M/64", 640),
            ("Intel Skylake-X", "l1d=32K,l2=1M,l3=22M/28", 512),
            ("Apple M-series P-core", "l1d=128K,l2=16M/4", 2048),
            ("AMD Zen 2", "l1d=32K,l2=512K,l3=16M/8", 256),
        ]

        /// Products spanning several MC and NC blocks under the geometries above.
        static let products: [(transposeA: ck_transpose, transposeB: ck_transpose, m: Int, n: Int, k: Int)] = [
            (CK_NO_TRANS, CK_NO_TRANS, 530, 700, 260),
            (CK_TRANS, CK_TRANS, 600, 300, 40),
            (CK_NO_TRANS, CK_TRANS, 100, 784, 50),
        ]

        /// C = op(A)·op(B) for `product` with reproducible operands.
        static func multiply(_ product: (transposeA: ck_transpose, transposeB: ck_transpose, m: Int, n: Int, k: Int))
            -> [Float] {
            let a = (0..<product.m * product.k).map { Float(($0 * 7919) % 2001) / 1000 - 1 }
            let b = (0..<product.k * product.n).map { Float(($0 * 104_729) % 1999) / 1000 - 1 }
            var c = [Float](repeating: 0, count: product.m * product.n)
            let lda = product.transposeA == CK_NO_TRANS ? product.k : product.m
            let ldb = product.transposeB == CK_NO_TRANS ? product.n : product.k
            let status = ck_sgemm(product.transposeA, product.transposeB, product.m, product.n, product.k, 0.5,
                                  a, lda, b, ldb, 0, &c, product.n)
            #expect(status == CK_OK)
            return c
        }

        @Test("Block sizes follow the model and stay within their bounds")
        func blockSizes() throws {
            defer { ck_set_caches(nil) }
            for geometry in Self.geometries {
                try #require(ck_set_caches(geometry.spec) == CK_OK, "ck_set_caches(\(geometry.spec))")
                var caches = ck_cache_info()
                ck_caches(&caches)
                for isa in supportedISAs {
                    var blocks = ck_gemm_blocking_info()
                    ck_gemm_blocking(isa, &blocks)
                    let what = "\(geometry.cpu) [\(isa.name)]: MC \(blocks.mc) NC \(blocks.nc) KC \(blocks.kc)"
                    #expect(blocks.kc == 256, "\(what)")
                    #expect(blocks.mc % Int(blocks.mr) == 0 && blocks.nc % Int(blocks.nr) == 0, "\(what)")
                    #expect(abs(blocks.nc - geometry.nc) < Int(blocks.nr), "\(what): expected about \(geometry.nc)")
                    #expect(blocks.mc >= 512 && blocks.mc < 3072 + Int(blocks.mr), "\(what)")
                    #expect(blocks.kc * blocks.nc * 4 <= Int(caches.l2_bytes) / Int(caches.l2_shared_by), "\(what)")
                    #expect(blocks.a_panel_fits_l1 == 1, "\(what)")
                }
            }
        }

        @Test("Malformed geometries are refused and change nothing")
        func malformedSpecs() {
            var before = ck_cache_info()
            ck_caches(&before)
            for spec in ["l2=1M", "l1d=32K", "l1d=32K,l2=1M,l4=8M", "l1d=32Q,l2=1M", "l1d=32K,l2=1M/0", "l1d=-1,l2=1M"] {
                #expect(ck_set_caches(spec) == CK_EINVAL, "\(spec)")
            }
            var after = ck_cache_info()
            ck_caches(&after)
            #expect(before.l1d_bytes == after.l1d_bytes && before.l2_bytes == after.l2_bytes
                    && before.l3_bytes == after.l3_bytes)
        }

        @Test("Every geometry, ISA and thread count gives the bits of the caches at start")
        func bitwiseIdentical() throws {
            defer { ck_set_caches(nil) }
            let expected = withThreadCount(1) { Self.products.map(Self.multiply) }
            try forEachSupportedISA { isa in
                for geometry in Self.geometries {
                    try #require(ck_set_caches(geometry.spec) == CK_OK)
                    for threads in [1, 2] {
                        let results = withThreadCount(threads) { Self.products.map(Self.multiply) }
                        for (index, (result, reference)) in zip(results, expected).enumerated() {
                            expectSameBits(result, reference,
                                           "product \(index) on \(isa.name), \(geometry.cpu), \(threads) threads")
                        }
                    }
                }
            }
        }
    }
}
