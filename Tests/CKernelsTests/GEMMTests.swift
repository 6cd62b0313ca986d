import Backprop
import CKernels
import PropertyBased
import Testing
import TestSupport

/// One call of `ck_sgemm` with padded operands and its Double-precision truth.
///
/// A and B carry NaN in their padding, so a kernel that reads past a row poisons its result;
/// C carries `sentinel` in its padding, which must survive. When beta == 0 C starts as NaN
/// and -Inf, which must not survive either (BLAS semantics, promised by `ckernels.h`).
struct GEMMCase: CustomStringConvertible {
    let transposeA: Transpose, transposeB: Transpose
    let m: Int, n: Int, k: Int
    let alpha: Float, beta: Float
    let a: StridedMatrix, b: StridedMatrix, c: StridedMatrix
    let reference: GEMMReference

    init(_ transposeA: Transpose, _ transposeB: Transpose, m: Int, n: Int, k: Int,
         alpha: Float = 1, beta: Float = 0, padding: (a: Int, b: Int, c: Int) = (0, 0, 0),
         using rng: inout SeededGenerator) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        (self.m, self.n, self.k, self.alpha, self.beta) = (m, n, k, alpha, beta)
        let (aRows, aColumns) = transposeA == .none ? (m, k) : (k, m)
        let (bRows, bColumns) = transposeB == .none ? (k, n) : (n, k)
        a = StridedMatrix(rows: aRows, columns: aColumns, padding: padding.a, using: &rng)
        b = StridedMatrix(rows: bRows, columns: bColumns, padding: padding.b, using: &rng)
        var c = StridedMatrix(rows: m, columns: n, padding: padding.c, using: &rng)
        if beta == 0 {
            for i in 0..<m { for j in 0..<n { c[i, j] = (i + j).isMultiple(of: 2) ? .nan : -.infinity } }
        }
        self.c = c
        reference = GEMMReference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, b: b, beta: beta, c: c)
    }

    var description: String {
        "\(m)x\(n)x\(k) op(A)\(transposeA == .none ? "" : "ᵀ") op(B)\(transposeB == .none ? "" : "ᵀ") "
            + "lda \(a.ld) ldb \(b.ld) ldc \(c.ld) alpha \(alpha) beta \(beta)"
    }

    /// Runs `ck_sgemm` on a copy of C with the active ISA.
    func run() -> (status: ck_status, c: StridedMatrix) {
        var result = c
        let status = ck_sgemm(transposeA.ck, transposeB.ck, m, n, k, alpha, a.storage, a.ld,
                              b.storage, b.ld, beta, &result.storage, result.ld)
        return (status, result)
    }

    /// Runs `ck_sgemm` and expects success, untouched padding and
    /// |c - ref| <= 1e-5 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c0|) + tiny.
    func check(_ isa: ck_isa, sourceLocation: SourceLocation = #_sourceLocation) {
        let (status, result) = run()
        #expect(status == CK_OK, "ck_sgemm \(self) on \(isa.name)", sourceLocation: sourceLocation)
        #expect(result.paddingIsIntact, "ck_sgemm \(self) on \(isa.name) wrote into C's padding",
                sourceLocation: sourceLocation)
        expectClose(result.elements, reference.value,
                    tolerance: { 1e-5 * reference.scale[$0] + Double(Float.leastNormalMagnitude) },
                    "ck_sgemm \(self) on \(isa.name)", sourceLocation: sourceLocation)
    }
}

extension Transpose {
    var ck: ck_transpose { self == .none ? CK_NO_TRANS : CK_TRANS }
}

extension SerializedCoreTests {
    @Suite("GEMM against a Double reference")
    struct GEMMTests {
        /// A mix of sizes from {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 127, 130, 257}
        /// hitting empty products, single rows and columns, every remainder of the register
        /// tiles, M beyond the scalar MC, K beyond the K block (256) and one N beyond the
        /// scalar NC (1024) — without the cost of the full cube in a debug build.
        static let shapes: [(m: Int, n: Int, k: Int)] = [
            (0, 7, 3), (7, 0, 3), (7, 8, 0), (0, 0, 0),
            (1, 1, 1), (1, 17, 33), (2, 3, 257), (3, 7, 2), (7, 8, 15), (8, 16, 17),
            (15, 31, 16), (16, 15, 64), (17, 33, 31), (31, 64, 8), (33, 100, 7), (64, 17, 130),
            (100, 127, 33), (127, 130, 3), (130, 1, 257), (130, 17, 257), (257, 33, 2),
            (3, 257, 100), (257, 257, 15), (3, 1100, 17),
        ]

        /// (alpha, beta) pairs cycled through the shapes: plain product, general scaling,
        /// accumulation, negative alpha, and scaling without accumulation.
        static let scalings: [(alpha: Float, beta: Float)] = [(1, 0), (0.75, -1.5), (1, 1), (-2, 0.5), (0.75, 0)]

        @Test("ck_sgemm matches the reference for a mix of shapes, paddings and scalings",
              arguments: [Transpose.none, .transposed], [Transpose.none, .transposed])
        func shapeMix(transposeA: Transpose, transposeB: Transpose) throws {
            var rng = SeededGenerator(seed: (transposeA == .none ? 1 : 3) + (transposeB == .none ? 0 : 1))
            for (index, shape) in Self.shapes.enumerated() {
                let scaling = Self.scalings[index % Self.scalings.count]
                let padding = (a: rng.int(in: 0...3) * 5, b: rng.int(in: 0...3) * 3, c: 1 + rng.int(in: 0...2) * 7)
                let product = GEMMCase(transposeA, transposeB, m: shape.m, n: shape.n, k: shape.k,
                                       alpha: scaling.alpha, beta: scaling.beta, padding: padding, using: &rng)
                try forEachSupportedISA { product.check($0) }
            }
        }

        /// The products of the MNIST network in the book (batch 100, 784-50-10): forward
        /// X·W1, weight gradient Xᵀ·dY, input gradient dY·W1ᵀ and the small second layer. The
        /// first three are large enough to run on several threads.
        @Test("ck_sgemm matches the reference on the training shapes")
        func trainingShapes() throws {
            var rng = SeededGenerator(seed: 784)
            let products = [
                GEMMCase(.none, .none, m: 100, n: 50, k: 784, using: &rng),
                GEMMCase(.transposed, .none, m: 784, n: 50, k: 100, using: &rng),
                GEMMCase(.none, .transposed, m: 100, n: 784, k: 50, using: &rng),
                GEMMCase(.none, .none, m: 100, n: 10, k: 50, alpha: 1, beta: 1, using: &rng),
            ]
            try forEachSupportedISA { isa in
                for product in products { product.check(isa) }
            }
        }

        @Test("beta == 0 overwrites C without reading it: NaN and Inf in C do not survive",
              arguments: [Transpose.none, .transposed])
        func betaZeroIgnoresC(transpose: Transpose) throws {
            var rng = SeededGenerator(seed: 5)
            let product = GEMMCase(transpose, transpose, m: 17, n: 33, k: 9, alpha: 0.75, beta: 0,
                                   padding: (1, 0, 2), using: &rng)
            #expect(product.c.elements.allSatisfy { !$0.isFinite })
            try forEachSupportedISA { isa in
                let finite = product.run().c.elements.allSatisfy { $0.isFinite }
                #expect(finite, "NaN/Inf in C survived beta == 0 on \(isa.name)")
                product.check(isa)
            }
        }

        @Test("alpha == 0 or k == 0 gives exactly C = beta * C, reading neither A nor B",
              arguments: [Float(0), 1, -1.5])
        func noProduct(beta: Float) throws {
            var rng = SeededGenerator(seed: 6)
            let (m, n, k) = (9, 20, 13)
            let nanA = StridedMatrix(rows: m, columns: k, ld: k + 1) { _, _ in .nan }
            let nanB = StridedMatrix(rows: k, columns: n, ld: n) { _, _ in .nan }
            var c0 = StridedMatrix(rows: m, columns: n, padding: 3, using: &rng)
            c0[0, 0] = .infinity
            if beta != 0 { c0[1, 1] = .nan }
            let expected = c0.elements.map { beta == 0 ? 0 : beta * $0 }
            try forEachSupportedISA { isa in
                var c = c0
                // alpha == 0: A and B hold NaN and must not be read.
                #expect(ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, m, n, k, 0, nanA.storage, nanA.ld,
                                 nanB.storage, nanB.ld, beta, &c.storage, c.ld) == CK_OK)
                #expect(c.paddingIsIntact)
                #expect(zip(c.elements, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                        "alpha == 0, beta \(beta) on \(isa.name): \(c.elements.prefix(4)) vs \(expected.prefix(4))")
                // k == 0: A and B are empty, so NULL is a valid pointer for them.
                c = c0
                #expect(ck_sgemm(CK_TRANS, CK_TRANS, m, n, 0, 0.75, nil, m, nil, 0, beta, &c.storage, c.ld) == CK_OK)
                #expect(c.paddingIsIntact)
                #expect(zip(c.elements, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                        "k == 0, beta \(beta) on \(isa.name): \(c.elements.prefix(4)) vs \(expected.prefix(4))")
            }
        }

        @Test("m == 0 or n == 0 does nothing, even with NULL operands")
        func emptyOutput() throws {
            var untouched: [Float] = [sentinel]
            try forEachSupportedISA { isa in
                #expect(ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, 0, 5, 5, 1, nil, 5, nil, 5, 0, nil, 5) == CK_OK)
                #expect(ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, 5, 0, 5, 1, nil, 5, nil, 0, 0, &untouched, 0) == CK_OK)
                #expect(untouched[0].bitPattern == sentinel.bitPattern, "n == 0 wrote to C on \(isa.name)")
            }
        }

        @Test("FastBackend.matmul matches ReferenceBackend<Float>.matmul",
              arguments: [Transpose.none, .transposed], [Transpose.none, .transposed])
        func fastMatchesReferenceBackend(transposeA: Transpose, transposeB: Transpose) throws {
            var rng = SeededGenerator(seed: 11)
            for (m, n, k) in [(33, 17, 100), (1, 64, 7), (70, 9, 130)] {
                let product = GEMMCase(transposeA, transposeB, m: m, n: n, k: k, alpha: 0.75, beta: -1.5, using: &rng)
                let a = Tensor(shape: [product.a.rows, product.a.columns], scalars: product.a.elements)
                let b = Tensor(shape: [product.b.rows, product.b.columns], scalars: product.b.elements)
                let c0 = Tensor(shape: [m, n], scalars: product.c.elements)
                var expected = c0
                ReferenceBackend<Float>().matmul(a, b, into: &expected, transposeA: transposeA, transposeB: transposeB,
                                                 alpha: 0.75, beta: -1.5)
                try forEachSupportedISA { isa in
                    var actual = c0
                    FastBackend().matmul(a, b, into: &actual, transposeA: transposeA, transposeB: transposeB,
                                         alpha: 0.75, beta: -1.5)
                    #expect(actual.shape == [m, n])
                    // Both sides round: allow the sum of the two error bounds.
                    expectClose(actual.scalars, expected.scalars.map(Double.init),
                                tolerance: { 2e-5 * product.reference.scale[$0] },
                                "FastBackend vs ReferenceBackend<Float> \(product) on \(isa.name)")
                }
            }
        }

        @Test("Property: random small products with random transposes match the reference")
        func randomProducts() async throws {
            let shapes = zip(Gen.int(in: 0...20), Gen.int(in: 0...20), Gen.int(in: 0...40))
            let layout = zip(Gen.bool, Gen.bool, Gen.int(in: 0...4), Gen<UInt64>.value(in: 0...UInt64.max))
            try await forEachSupportedISA { isa in
                await propertyCheck(count: 60, input: shapes, layout) { shape, layout in
                    let (m, n, k) = shape
                    let (transposeA, transposeB, scalingIndex, seed) = layout
                    var rng = SeededGenerator(seed: seed)
                    let scaling = Self.scalings[scalingIndex]
                    let product = GEMMCase(transposeA ? .transposed : .none, transposeB ? .transposed : .none,
                                           m: m, n: n, k: k, alpha: scaling.alpha, beta: scaling.beta,
                                           padding: (rng.int(in: 0...2), rng.int(in: 0...2), rng.int(in: 0...2)),
                                           using: &rng)
                    product.check(isa)
                }
            }
        }
    }
}
