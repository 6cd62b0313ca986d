import Backprop
import CKernels
import Testing
import TestSupport

extension SerializedCoreTests {
    /// Bias addition, the fused bias + ReLU epilogue and column sums: single IEEE additions
    /// in an order `ckernels.h` fixes, so the C core must match ReferenceBackend<Float> bit for bit.
    @Suite("Bias, fused bias + ReLU and column sums")
    struct AffineTests {
        /// The last shape is large enough to run on several threads.
        static let shapes: [(m: Int, n: Int)] = [(0, 5), (1, 1), (3, 17), (7, 33), (100, 50), (300, 300)]

        @Test("Adding a row bias matches ReferenceBackend<Float> and leaves the padding alone")
        func addBias() throws {
            var rng = SeededGenerator(seed: 51)
            for (m, n) in Self.shapes {
                let y0 = StridedMatrix(rows: m, columns: n, padding: 3, range: -5...5, using: &rng)
                let bias = rng.floats(n, in: -5...5)
                var expected = y0
                bias.withUnsafeBufferPointer { pb in
                    expected.storage.withUnsafeMutableBufferPointer {
                        ReferenceBackend<Float>().addRowBias(m: m, n: n, bias: pb, y: $0, ldy: y0.ld)
                    }
                }
                try forEachSupportedISA { isa in
                    var y = y0
                    #expect(ck_add_row_bias(m, n, bias, &y.storage, y.ld) == CK_OK)
                    expectSameBits(y.storage, expected.storage, "add bias \(m)x\(n) (whole buffer) on \(isa.name)")
                }
            }
        }

        @Test("Fused bias + ReLU is bitwise add-bias then ReLU, with a contiguous mask")
        func fusedBiasRelu() throws {
            var rng = SeededGenerator(seed: 52)
            for (m, n) in Self.shapes {
                var y0 = StridedMatrix(rows: m, columns: n, padding: 2, range: -5...5, using: &rng)
                var bias = rng.floats(n, in: -5...5)
                // Special values in both operands, and pairs that cancel to +0 or -0.
                for i in 0..<m where n > 0 { y0[i, (i * 5) % n] = specialFloats[i % specialFloats.count] }
                if n > 1 { bias[1] = .nan }
                if m > 1, n > 2 { y0[1, 2] = -bias[2] }
                try forEachSupportedISA { isa in
                    var separate = y0
                    #expect(ck_add_row_bias(m, n, bias, &separate.storage, separate.ld) == CK_OK)
                    // The separate ReLU runs row by row: it takes contiguous vectors, not strides.
                    var separateMask = [UInt8](repeating: 0xA5, count: m * n)
                    for i in 0..<m {
                        separate.storage.withUnsafeMutableBufferPointer { p in
                            separateMask.withUnsafeMutableBufferPointer { mask in
                                let row = p.baseAddress! + i * separate.ld
                                _ = ck_relu_forward(n, row, row, mask.baseAddress! + i * n)
                            }
                        }
                    }
                    var fused = y0
                    var fusedMask = [UInt8](repeating: 0xA5, count: m * n)
                    #expect(ck_add_row_bias_relu(m, n, bias, &fused.storage, fused.ld, &fusedMask) == CK_OK)
                    expectSameBits(fused.storage, separate.storage, "fused vs separate y \(m)x\(n) on \(isa.name)")
                    #expect(fusedMask == separateMask, "fused vs separate mask \(m)x\(n) on \(isa.name)")

                    var reference = y0
                    var referenceMask = [UInt8](repeating: 0, count: m * n)
                    bias.withUnsafeBufferPointer { pb in
                        reference.storage.withUnsafeMutableBufferPointer { py in
                            referenceMask.withUnsafeMutableBufferPointer {
                                ReferenceBackend<Float>().addRowBiasRelu(m: m, n: n, bias: pb, y: py, ldy: y0.ld, mask: $0)
                            }
                        }
                    }
                    expectSameBits(fused.storage, reference.storage, "fused vs ReferenceBackend y \(m)x\(n) on \(isa.name)")
                    #expect(fusedMask == referenceMask, "fused vs ReferenceBackend mask \(m)x\(n) on \(isa.name)")
                }
            }
        }

        @Test("Column sums add the rows in ascending order, like ReferenceBackend<Float>; zero rows give zeros")
        func columnSums() throws {
            var rng = SeededGenerator(seed: 53)
            for (m, n) in Self.shapes + [(0, 0), (1000, 3)] {
                let x = StridedMatrix(rows: m, columns: n, padding: 5, range: -100...100, using: &rng)
                var expected = [Float](repeating: 0, count: n)
                x.storage.withUnsafeBufferPointer { px in
                    expected.withUnsafeMutableBufferPointer {
                        ReferenceBackend<Float>().columnSums(m: m, n: n, x: px, ldx: x.ld, sums: $0)
                    }
                }
                try forEachSupportedISA { isa in
                    var sums = [Float](repeating: sentinel, count: n)
                    #expect(ck_column_sums(m, n, x.storage, x.ld, &sums) == CK_OK)
                    expectSameBits(sums, expected, "column sums \(m)x\(n) on \(isa.name)")
                }
            }
        }

        @Test("Empty matrices need no pointers")
        func emptyMatrices() throws {
            try forEachSupportedISA { isa in
                #expect(ck_add_row_bias(0, 5, nil, nil, 5) == CK_OK, "\(isa.name)")
                #expect(ck_add_row_bias_relu(0, 5, nil, nil, 5, nil) == CK_OK, "\(isa.name)")
                #expect(ck_add_row_bias_relu(4, 0, nil, nil, 0, nil) == CK_OK, "\(isa.name)")
                #expect(ck_column_sums(0, 0, nil, 0, nil) == CK_OK, "\(isa.name)")
            }
        }

        @Test("FastBackend matches ReferenceBackend<Float> through the Tensor API")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 54)
            let y0 = Tensor(shape: [12, 2, 5], scalars: rng.floats(120, in: -3...3))
            let bias = Tensor(shape: [10], scalars: rng.floats(10, in: -3...3))
            let reference = ReferenceBackend<Float>()
            var expectedBias = y0, expectedRelu = y0, expectedSums = Tensor<Float>(shape: [])
            var expectedMask: [UInt8] = []
            reference.addRowBias(bias, to: &expectedBias)
            reference.addRowBiasRelu(bias, to: &expectedRelu, mask: &expectedMask)
            reference.columnSums(y0, into: &expectedSums)
            try forEachSupportedISA { isa in
                var biased = y0, relu = y0, sums = Tensor<Float>(shape: [])
                var mask: [UInt8] = []
                FastBackend().addRowBias(bias, to: &biased)
                FastBackend().addRowBiasRelu(bias, to: &relu, mask: &mask)
                FastBackend().columnSums(y0, into: &sums)
                #expect(biased == expectedBias, "add bias on \(isa.name)")
                #expect(relu == expectedRelu && mask == expectedMask, "bias + relu on \(isa.name)")
                #expect(sums == expectedSums, "column sums on \(isa.name)")
            }
        }
    }
}
