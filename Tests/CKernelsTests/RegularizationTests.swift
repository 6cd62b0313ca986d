import Backprop
import CKernels
import Numerics
import Testing
import TestSupport

/// `ck_dropout_mask` into a fresh mask (0xA5 bytes, so every byte must be written).
func dropoutMask(m: Int, n: Int, ratio: Float, seed: UInt64 = 42, iteration: UInt64 = 3, layer: UInt64 = 1,
                 firstRow: Int = 0) -> [UInt8] {
    var mask = [UInt8](repeating: 0xA5, count: m * n)
    #expect(ck_dropout_mask(m, n, ratio, seed, iteration, layer, firstRow, &mask) == CK_OK)
    return mask
}

/// The same mask from ReferenceBackend<Scalar>.
func referenceDropoutMask<Scalar: BinaryFloatingPoint & Real & Sendable>(_ backend: ReferenceBackend<Scalar>, m: Int, n: Int, ratio: Scalar,
                                  seed: UInt64 = 42, iteration: UInt64 = 3, layer: UInt64 = 1,
                                  firstRow: Int = 0) -> [UInt8] {
    var mask: [UInt8] = []
    backend.dropoutMask(like: Tensor<Scalar>(shape: [m, n]), ratio: ratio,
                        key: DropoutMaskKey(seed: seed, iteration: iteration, layer: layer, firstRow: firstRow),
                        into: &mask)
    return mask
}

extension SerializedCoreTests {
    @Suite("Dropout and weight decay")
    struct RegularizationTests {
        static let ratios: [Float] = [0, 0.2, 0.5, 0.999_999, 1]

        @Test("Dropout masks equal ReferenceBackend's (Float and Double) byte for byte; 0 keeps all, 1 drops all",
              arguments: ratios)
        func maskMatchesReference(ratio: Float) throws {
            let (m, n) = (150, 130) // 19,500 elements: two pieces on two threads
            let expected = referenceDropoutMask(ReferenceBackend<Float>(), m: m, n: n, ratio: ratio)
            #expect(referenceDropoutMask(ReferenceBackend<Double>(), m: m, n: n, ratio: Double(ratio)) == expected)
            let kept = expected.reduce(0) { $0 + Int($1) }
            // 19,500 draws: the kept fraction's standard deviation is at most 0.0036.
            #expect(abs(Double(kept) / Double(m * n) - (1 - Double(ratio))) < 0.015, "kept \(kept) of \(m * n)")
            if ratio == 0 { #expect(kept == m * n) }
            if ratio >= 0.999_999 { #expect(kept == 0) } // 2^-24 of 19,500 draws: none survive
            try forEachSupportedISA { isa in
                let mask = dropoutMask(m: m, n: n, ratio: ratio)
                #expect(mask == expected, "ratio \(ratio) on \(isa.name)")
                var fast: [UInt8] = []
                FastBackend().dropoutMask(like: Tensor<Float>(shape: [m, n]), ratio: ratio,
                                          key: DropoutMaskKey(seed: 42, iteration: 3, layer: 1), into: &fast)
                #expect(fast == expected, "FastBackend, ratio \(ratio) on \(isa.name)")
            }
        }

        @Test("Shards of a batch draw the rows of the whole batch's mask; iteration, layer and seed change it")
        func keys() {
            let (m, n) = (40, 25)
            let whole = dropoutMask(m: m, n: n, ratio: 0.5, firstRow: 100)
            let shards = dropoutMask(m: 13, n: n, ratio: 0.5, firstRow: 100) + dropoutMask(m: 27, n: n, ratio: 0.5, firstRow: 113)
            #expect(shards == whole)
            #expect(referenceDropoutMask(ReferenceBackend<Float>(), m: 27, n: n, ratio: 0.5, firstRow: 113)
                    == Array(whole[(13 * n)...]))
            // Independent masks of ratio 0.5 agree on about half of the 1000 elements.
            for other in [dropoutMask(m: m, n: n, ratio: 0.5, iteration: 4, firstRow: 100),
                          dropoutMask(m: m, n: n, ratio: 0.5, layer: 2, firstRow: 100),
                          dropoutMask(m: m, n: n, ratio: 0.5, seed: 43, firstRow: 100),
                          dropoutMask(m: m, n: n, ratio: 0.5, firstRow: 101)] {
                let agree = zip(other, whole).filter { $0 == $1 }.count
                #expect(abs(agree - 500) < 80, "\(agree) of 1000 agree")
            }
        }

        @Test("Dropout apply: x * scale where kept, +0 where dropped (NaN too), in place, as ReferenceBackend<Float>",
              arguments: vectorLengths)
        func apply(length: Int) throws {
            var rng = SeededGenerator(seed: 6000 + UInt64(length))
            let x = activationInputs(length, using: &rng)
            let mask = (0..<length).map { _ in UInt8(rng.int(in: 0...1)) }
            var expected = [Float](repeating: 0, count: length), scaled = expected
            x.withUnsafeBufferPointer { px in
                mask.withUnsafeBufferPointer { pm in
                    expected.withUnsafeMutableBufferPointer {
                        ReferenceBackend<Float>().dropoutApply(x: px, mask: pm, scale: 1.25, y: $0)
                    }
                }
                scaled.withUnsafeMutableBufferPointer { ReferenceBackend<Float>().scale(alpha: 0.8, x: px, y: $0) }
            }
            for i in 0..<length where mask[i] == 0 {
                #expect(expected[i].bitPattern == Float(0).bitPattern)
            }
            try forEachSupportedISA { isa in
                var y = x
                y.withUnsafeMutableBufferPointer { p in _ = ck_dropout_apply(length, p.baseAddress, mask, 1.25, p.baseAddress) }
                expectSameBits(y, expected, "dropout apply in place, n \(length) on \(isa.name)")
                var z = [Float](repeating: sentinel, count: length)
                #expect(ck_scale(length, 0.8, x, &z) == CK_OK)
                expectSameBits(z, scaled, "scale, n \(length) on \(isa.name)")
            }
        }

        @Test("add_scaled is y + alpha * x and the sum of squares equals ReferenceBackend<Float>'s bit for bit",
              arguments: vectorLengths)
        func weightDecay(length: Int) throws {
            var rng = SeededGenerator(seed: 7000 + UInt64(length))
            let x = rng.floats(length, in: -3...3), y0 = rng.floats(length)
            let expected = (0..<length).map { y0[$0] + 0.05 * x[$0] }
            let expectedSum = x.withUnsafeBufferPointer { ReferenceBackend<Float>().sumOfSquares($0) }
            let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            // The plain running sum above rounds n times: the less accurate of the two.
            #expect(abs(expectedSum - exact) <= Double(length) * 0x1p-53 * exact)
            try forEachSupportedISA { isa in
                var y = y0
                #expect(ck_add_scaled(length, 0.05, x, &y) == CK_OK)
                expectSameBits(y, expected, "add_scaled, n \(length) on \(isa.name)")
                var sum = -1.0
                #expect(ck_sum_of_squares(length, x, &sum) == CK_OK)
                #expect(sum.bitPattern == expectedSum.bitPattern, "sum of squares \(sum) vs \(expectedSum), n \(length) on \(isa.name)")
            }
        }

        @Test("Rejected arguments: a ratio outside [0, 1] or NaN, a negative first row, a missing output")
        func argumentChecks() {
            var mask: [UInt8] = [7, 7]
            #expect(ck_dropout_mask(1, 2, 1.5, 0, 0, 0, 0, &mask) == CK_EINVAL)
            #expect(ck_dropout_mask(1, 2, -0.1, 0, 0, 0, 0, &mask) == CK_EINVAL)
            #expect(ck_dropout_mask(1, 2, .nan, 0, 0, 0, 0, &mask) == CK_EINVAL)
            #expect(ck_dropout_mask(1, 2, 0.5, 0, 0, 0, -1, &mask) == CK_EINVAL)
            #expect(mask == [7, 7])
            #expect(ck_sum_of_squares(2, [1, 2], nil) == CK_EINVAL)
        }
    }
}
