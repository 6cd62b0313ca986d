import Backprop
import CKernels
import PropertyBased
import Testing
import TestSupport

/// Runs `ck_softmax` on `x` into a fresh output with leading dimension `ldy`.
func softmax(_ x: StridedMatrix, ldy: Int) -> (status: ck_status, y: StridedMatrix) {
    var y = StridedMatrix(rows: x.rows, columns: x.columns, ld: ldy) { _, _ in sentinel }
    let status = ck_softmax(x.rows, x.columns, x.storage, x.ld, &y.storage, y.ld)
    return (status, y)
}

/// `rows` x `columns` logits with leading dimension `columns + padding` whose rows cycle through
/// finite rows of small, large (±1e4) and extreme (±3e38) magnitude and rows holding a NaN, a
/// +Inf, a -Inf or only -Inf, so that every block of 16 short rows mixes the rows the block
/// kernel computes with those it leaves to the portable code. `finiteOnly` keeps the finite kinds.
func mixedLogits(rows: Int, columns: Int, padding: Int, finiteOnly: Bool = false,
                 using rng: inout SeededGenerator) -> StridedMatrix {
    let kinds = finiteOnly ? 3 : 7
    var x = StridedMatrix(rows: rows, columns: columns, padding: padding, range: -30...30, using: &rng)
    for i in 0..<rows {
        let column = rng.int(in: 0...(columns - 1))
        switch (i * 5 + columns) % kinds {
        case 1: for j in 0..<columns { x[i, j] *= 1e4 / 30 }
        case 2: x[i, column] = 3e38
        case 3: x[i, column] = .nan
        case 4: x[i, column] = .infinity
        case 5: x[i, column] = -.infinity
        case 6: for j in 0..<columns { x[i, j] = -.infinity }
        default: break
        }
    }
    return x
}

extension SerializedCoreTests {
    @Suite("Softmax")
    struct SoftmaxTests {
        /// Widths around every SIMD width and the 16-lane sum, plus a wide row.
        static let shapes: [(m: Int, n: Int)] = [
            (1, 1), (3, 2), (5, 10), (4, 15), (4, 16), (4, 17), (3, 31), (2, 33), (7, 100), (2, 257), (1, 1000),
        ]

        @Test("Rows match the Double reference and sum to 1, with ldx and ldy larger than n",
              arguments: [Float(8), 80, 1e4])
        func matchesReference(magnitude: Float) throws {
            var rng = SeededGenerator(seed: UInt64(magnitude))
            for (m, n) in Self.shapes {
                let x = StridedMatrix(rows: m, columns: n, padding: 1 + n % 5, range: -magnitude...magnitude, using: &rng)
                let expected = referenceSoftmax(x)
                try forEachSupportedISA { isa in
                    let (status, y) = softmax(x, ldy: n + 3)
                    let what = "softmax \(m)x\(n) logits ±\(magnitude) on \(isa.name)"
                    #expect(status == CK_OK, "\(what)")
                    #expect(y.paddingIsIntact, "\(what) wrote into y's padding")
                    #expect(y.elements.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(what)")
                    // exp(x - max) with x - max < 88 in magnitude is exact to 2^-18 absolute,
                    // which is the relative error of the probability; the rest is a few ulp.
                    expectClose(y.elements, expected, relative: 1e-5, absolute: 1e-37, what)
                    for (i, sum) in rowSums(y.elements, rows: m, columns: n).enumerated() {
                        #expect(abs(sum - 1) <= 1e-6, "\(what): row \(i) sums to \(sum)")
                    }
                }
            }
        }

        @Test("Logits of magnitude 1e4 give finite, exact-looking rows")
        func hugeLogits() throws {
            let x = StridedMatrix(rows: 3, columns: 3, ld: 3) { i, j in
                [[1e4, -1e4, 0], [-1e4, -1e4, -1e4], [1e4, 1e4 - 1, -1e4]][i][j]
            }
            try forEachSupportedISA { isa in
                let (status, y) = softmax(x, ldy: 3)
                #expect(status == CK_OK)
                #expect(y.elements.allSatisfy { $0.isFinite }, "\(y.elements) on \(isa.name)")
                #expect(y[0, 0] == 1 && y[0, 1] == 0 && y[0, 2] == 0, "\(y.elements) on \(isa.name)")
                #expect(y[1, 0] == y[1, 1] && y[1, 1] == y[1, 2], "\(y.elements) on \(isa.name)")
                // e / (1 + e) and 1 / (1 + e) with e = exp(-1).
                let e = 1 / Double.exp(1)
                expectClose([y[2, 0], y[2, 1], y[2, 2]], [1 / (1 + e), e / (1 + e), 0], relative: 1e-6,
                            "third row on \(isa.name)")
            }
        }

        @Test("All-equal logits give exactly uniform rows", arguments: [1, 3, 10, 17, 100])
        func uniformRows(n: Int) throws {
            let values: [Float] = [0, 5, -7.25, 1e4, -1e4, 3e38, -3e38]
            let x = StridedMatrix(rows: values.count, columns: n, ld: n + 2) { i, _ in values[i] }
            try forEachSupportedISA { isa in
                let (status, y) = softmax(x, ldy: n)
                #expect(status == CK_OK)
                // exp(0) is exactly 1, the sum exactly n: each entry is the rounded 1/n.
                expectSameBits(y.elements, Array(repeating: 1 / Float(n), count: values.count * n),
                               "uniform rows of width \(n) on \(isa.name)")
            }
        }

        /// Rows exercising the documented special cases of `ck_softmax`.
        static let specialRows: [(x: [Float], y: [Float], what: String)] = [
            ([.infinity, 1, .infinity, -.infinity], [0.5, 0, 0.5, 0], "two +Inf share the mass"),
            ([3, .infinity], [0, 1], "one +Inf takes all the mass"),
            ([.infinity, .infinity, .infinity, 0, -1], [1 / Float(3), 1 / Float(3), 1 / Float(3), 0, 0], "three +Inf"),
            ([-.infinity, 0, -.infinity], [0, 1, 0], "-Inf entries get 0"),
            ([-.infinity, -.infinity, -.infinity], [.nan, .nan, .nan], "all -Inf is NaN"),
            ([-.infinity], [.nan], "a single -Inf is NaN"),
            ([1, .nan, 2], [.nan, .nan, .nan], "NaN makes the row NaN"),
            ([.nan, 1, 2], [.nan, .nan, .nan], "NaN first makes the row NaN"),
            ([.infinity, .nan], [.nan, .nan], "NaN wins over +Inf"),
            ([3e38, -3e38], [1, 0], "x - max overflows to -Inf, giving 0"),
            ([.greatestFiniteMagnitude, .greatestFiniteMagnitude], [0.5, 0.5], "equal maxima"),
        ]

        @Test("+Inf, -Inf and NaN behave as ckernels.h documents")
        func specialValues() throws {
            try forEachSupportedISA { isa in
                for row in Self.specialRows {
                    // The same row at several widths around the SIMD widths: pad with -Inf, whose
                    // probability is 0 (or NaN when the whole row is NaN).
                    for width in [row.x.count, 17, 40] {
                        let x = StridedMatrix(rows: 1, columns: width, ld: width + 1) { _, j in
                            j < row.x.count ? row.x[j] : -.infinity
                        }
                        let (status, y) = softmax(x, ldy: width)
                        let nanRow = row.y.contains { $0.isNaN }
                        let expected = (0..<width).map { j in j < row.y.count ? row.y[j] : (nanRow ? .nan : 0) }
                        #expect(status == CK_OK)
                        expectSameBits(y.elements, expected, "\(row.what) (width \(width)) on \(isa.name)")
                    }
                }
            }
        }

        @Test("A NaN row does not spread to the other rows")
        func nanStaysInItsRow() throws {
            let x = StridedMatrix(rows: 3, columns: 3, ld: 4) { i, j in i == 1 && j == 2 ? .nan : Float(i + j) }
            try forEachSupportedISA { isa in
                let (_, y) = softmax(x, ldy: 3)
                #expect((0..<3).allSatisfy { y[1, $0].isNaN }, "\(y.elements) on \(isa.name)")
                #expect((0..<3).allSatisfy { y[0, $0].isFinite && y[2, $0].isFinite }, "\(y.elements) on \(isa.name)")
            }
        }

        @Test("y may alias x when ldy == ldx")
        func inPlace() throws {
            var rng = SeededGenerator(seed: 21)
            let x = StridedMatrix(rows: 9, columns: 37, padding: 4, range: -20...20, using: &rng)
            try forEachSupportedISA { isa in
                let (_, expected) = softmax(x, ldy: x.ld)
                var inPlace = x
                let status = inPlace.storage.withUnsafeMutableBufferPointer { p in
                    ck_softmax(x.rows, x.columns, p.baseAddress, x.ld, p.baseAddress, x.ld)
                }
                #expect(status == CK_OK)
                #expect(inPlace.paddingIsIntact)
                expectSameBits(inPlace.elements, expected.elements, "in-place softmax on \(isa.name)")
            }
        }

        @Test("Short rows (n <= 16, in blocks of 16) give the scalar ISA's bits on every ISA, also in place",
              arguments: [1, 15, 16, 17, 33, 100])
        func shortRowsMatchScalar(m: Int) throws {
            var rng = SeededGenerator(seed: UInt64(40 + m))
            for n in 1...16 {
                for padding in [0, 3] {
                    let x = mixedLogits(rows: m, columns: n, padding: padding, using: &rng)
                    var scalar: [Float]?
                    try forEachSupportedISA { isa in
                        let what = "softmax \(m)x\(n), ldx \(x.ld), on \(isa.name)"
                        let (status, y) = softmax(x, ldy: n + 1)
                        #expect(status == CK_OK, "\(what)")
                        #expect(y.paddingIsIntact, "\(what) wrote into y's padding")
                        var inPlace = x
                        let inPlaceStatus = inPlace.storage.withUnsafeMutableBufferPointer { p in
                            ck_softmax(m, n, p.baseAddress, x.ld, p.baseAddress, x.ld)
                        }
                        #expect(inPlaceStatus == CK_OK, "\(what)")
                        #expect(inPlace.paddingIsIntact, "\(what) in place wrote into the padding")
                        expectSameBits(inPlace.elements, y.elements, "in place vs out of place, \(what)")
                        if let scalar {
                            expectSameBits(y.elements, scalar, "\(what) vs scalar")
                        } else {
                            scalar = y.elements
                        }
                    }
                }
            }
        }

        @Test("FastBackend.softmax matches ReferenceBackend<Float>.softmax")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 22)
            let x = Tensor(shape: [20, 3, 11], scalars: rng.floats(20 * 33, in: -30...30))
            var expected = Tensor<Float>(shape: [])
            ReferenceBackend<Float>().softmax(x, into: &expected)
            try forEachSupportedISA { isa in
                var y = Tensor<Float>(shape: [])
                FastBackend().softmax(x, into: &y)
                #expect(y.shape == x.shape)
                expectClose(y.scalars, expected.scalars.map(Double.init), relative: 1e-5, absolute: 1e-37,
                            "FastBackend vs ReferenceBackend<Float> softmax on \(isa.name)")
            }
        }

        @Test("Property: rows sum to 1 and do not change when a constant is added to a row")
        func shiftInvariance() async throws {
            // Logits on a 1/64 grid in [-8, 8] and integer shifts in [-100, 100]: x + c and
            // x - max are exact in float, so the law holds bit for bit, not just approximately.
            let input = zip(Gen.int(in: 1...6), Gen.int(in: 1...40), Gen<UInt64>.value(in: 0...UInt64.max))
            try await forEachSupportedISA { isa in
                await propertyCheck(count: 50, input: input) { m, n, seed in
                    var rng = SeededGenerator(seed: seed)
                    let x = StridedMatrix(rows: m, columns: n, ld: n) { _, _ in Float(rng.int(in: -512...512)) / 64 }
                    let shifts = (0..<m).map { _ in Float(rng.int(in: -100...100)) }
                    let shifted = StridedMatrix(rows: m, columns: n, ld: n + 2) { i, j in x[i, j] + shifts[i] }
                    let (_, y) = softmax(x, ldy: n)
                    let (_, yShifted) = softmax(shifted, ldy: n + 1)
                    for (i, sum) in rowSums(y.elements, rows: m, columns: n).enumerated() {
                        #expect(abs(sum - 1) <= 1e-6, "row \(i) of \(m)x\(n) sums to \(sum) on \(isa.name)")
                    }
                    expectSameBits(yShifted.elements, y.elements, "softmax(x + c) vs softmax(x), \(m)x\(n) on \(isa.name)")
                }
            }
        }
    }
}
