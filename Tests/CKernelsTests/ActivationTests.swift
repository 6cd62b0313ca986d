import Backprop
import CKernels
import PropertyBased
import Testing
import TestSupport

/// `ck_relu_forward` into fresh outputs; the mask starts as 0xA5 so every byte must be written.
func reluForward(_ x: [Float]) -> (status: ck_status, y: [Float], mask: [UInt8]) {
    var y = [Float](repeating: sentinel, count: x.count)
    var mask = [UInt8](repeating: 0xA5, count: x.count)
    let status = ck_relu_forward(x.count, x, &y, &mask)
    return (status, y, mask)
}

/// `ck_sigmoid_forward` into a fresh output.
func sigmoidForward(_ x: [Float]) -> (status: ck_status, y: [Float]) {
    var y = [Float](repeating: sentinel, count: x.count)
    let status = ck_sigmoid_forward(x.count, x, &y)
    return (status, y)
}

/// Lengths around every SIMD width, and one above the size where the kernels go parallel.
let vectorLengths = [0, 1, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1037, 70_001]

/// `count` random values in ±100 with the special floats sprinkled in.
func activationInputs(_ count: Int, using rng: inout SeededGenerator) -> [Float] {
    (0..<count).map { i in i % 7 == 3 ? specialFloats[(i / 7) % specialFloats.count] : rng.float(in: -100...100) }
}

extension SerializedCoreTests {
    @Suite("ReLU")
    struct ReLUTests {
        @Test("ReLU of 0, -0, NaN, subnormals, extremes and infinities; mask bytes exactly 0 or 1")
        func specialValues() throws {
            // 53 elements: the special floats land in every lane position and in the tail.
            let x = (0..<53).map { specialFloats[$0 % specialFloats.count] }
            try forEachSupportedISA { isa in
                let (status, y, mask) = reluForward(x)
                #expect(status == CK_OK)
                for i in x.indices {
                    let what = "relu(\(x[i])) on \(isa.name): y \(y[i]), mask \(mask[i])"
                    if x[i].isNaN {
                        #expect(y[i].isNaN && mask[i] == 1, "\(what)")
                    } else if x[i] > 0 {
                        #expect(y[i].bitPattern == x[i].bitPattern && mask[i] == 1, "\(what)")
                    } else {
                        // +0, not -0: the header says "+0 where x <= 0 (including -0)".
                        #expect(y[i].bitPattern == Float(0).bitPattern && mask[i] == 0, "\(what)")
                    }
                }
            }
        }

        @Test("ReLU forward matches ReferenceBackend<Float> bit for bit, also in place", arguments: vectorLengths)
        func forward(length: Int) throws {
            var rng = SeededGenerator(seed: UInt64(length))
            let x = activationInputs(length, using: &rng)
            var expectedY = [Float](repeating: 0, count: length), expectedMask = [UInt8](repeating: 0, count: length)
            x.withUnsafeBufferPointer { px in
                expectedY.withUnsafeMutableBufferPointer { py in
                    expectedMask.withUnsafeMutableBufferPointer { ReferenceBackend<Float>().reluForward(x: px, y: py, mask: $0) }
                }
            }
            try forEachSupportedISA { isa in
                let (status, y, mask) = reluForward(x)
                #expect(status == CK_OK)
                expectSameBits(y, expectedY, "relu y, n \(length) on \(isa.name)")
                #expect(mask == expectedMask, "relu mask, n \(length) on \(isa.name)")
                var inPlace = x
                var inPlaceMask = [UInt8](repeating: 0xA5, count: length)
                inPlace.withUnsafeMutableBufferPointer { p in
                    _ = ck_relu_forward(length, p.baseAddress, p.baseAddress, &inPlaceMask)
                }
                expectSameBits(inPlace, expectedY, "in-place relu y, n \(length) on \(isa.name)")
                #expect(inPlaceMask == expectedMask, "in-place relu mask, n \(length) on \(isa.name)")
            }
        }

        @Test("ReLU backward passes dy where the mask is non-zero and +0 elsewhere, also in place",
              arguments: vectorLengths)
        func backward(length: Int) throws {
            var rng = SeededGenerator(seed: 1000 + UInt64(length))
            let dy = activationInputs(length, using: &rng)
            // Any non-zero byte lets the gradient through, not only 1.
            let mask = (0..<length).map { _ in [UInt8(0), 1, 0, 2, 255, 0][rng.int(in: 0...5)] }
            let expected = (0..<length).map { mask[$0] != 0 ? dy[$0] : 0 }
            try forEachSupportedISA { isa in
                var dx = [Float](repeating: sentinel, count: length)
                #expect(ck_relu_backward(length, dy, mask, &dx) == CK_OK)
                expectSameBits(dx, expected, "relu backward, n \(length) on \(isa.name)")
                var inPlace = dy
                inPlace.withUnsafeMutableBufferPointer { p in
                    _ = ck_relu_backward(length, p.baseAddress, mask, p.baseAddress)
                }
                expectSameBits(inPlace, expected, "in-place relu backward, n \(length) on \(isa.name)")
            }
        }

        @Test("FastBackend ReLU matches ReferenceBackend<Float> through the Tensor API")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 41)
            let x = Tensor(shape: [13, 7, 3], scalars: activationInputs(273, using: &rng))
            let dy = Tensor(shape: [13, 7, 3], scalars: rng.floats(273))
            let reference = ReferenceBackend<Float>()
            var expectedY = Tensor<Float>(shape: []), expectedDx = Tensor<Float>(shape: [])
            var expectedMask: [UInt8] = []
            reference.relu(x, into: &expectedY, mask: &expectedMask)
            reference.reluBackward(dy, mask: expectedMask, into: &expectedDx)
            try forEachSupportedISA { isa in
                var y = Tensor<Float>(shape: []), dx = Tensor<Float>(shape: [])
                var mask: [UInt8] = []
                FastBackend().relu(x, into: &y, mask: &mask)
                FastBackend().reluBackward(dy, mask: mask, into: &dx)
                #expect(y.shape == x.shape && mask == expectedMask, "\(isa.name)")
                expectSameBits(y.scalars, expectedY.scalars, "FastBackend relu on \(isa.name)")
                expectSameBits(dx.scalars, expectedDx.scalars, "FastBackend relu backward on \(isa.name)")
            }
        }

        @Test("Property: relu(x) is x or +0 (NaN stays NaN) and the mask says which, for every bit pattern")
        func law() async throws {
            try await forEachSupportedISA { isa in
                await propertyCheck(count: 50, input: Gen.uint32().array(of: 0...80)) { bits in
                    let x = bits.map(Float.init(bitPattern:))
                    let (status, y, mask) = reluForward(x)
                    #expect(status == CK_OK)
                    for i in x.indices {
                        let passes = x[i] > 0 || x[i].isNaN
                        #expect(mask[i] == (passes ? 1 : 0), "mask for \(x[i]) on \(isa.name)")
                        #expect(y[i].isNaN == x[i].isNaN && (y[i].isNaN || y[i] >= 0), "relu(\(x[i])) = \(y[i]) on \(isa.name)")
                        #expect(sameBits(y[i], passes ? x[i] : 0), "relu(\(x[i])) = \(y[i]) on \(isa.name)")
                    }
                }
            }
        }
    }

    @Suite("Sigmoid")
    struct SigmoidTests {
        @Test("Sigmoid at 0, ±100, ±1e30, ±Inf and NaN")
        func specialValues() throws {
            let x: [Float] = [0, -0.0, 100, -100, 1e30, -1e30, .infinity, -.infinity, .nan, 10, -10]
            try forEachSupportedISA { isa in
                let (status, y) = sigmoidForward(x)
                #expect(status == CK_OK)
                let what = "sigmoid(\(x)) = \(y) on \(isa.name)"
                #expect(y[0] == 0.5 && y[1] == 0.5, "\(what)")
                #expect(y[2] == 1, "\(what)")
                #expect(y[3] >= 0 && y[3] < 1e-38, "\(what)")
                #expect(y[4] == 1 && y[5] == 0, "\(what)")
                #expect(y[6] == 1 && y[7] == 0, "\(what)")
                #expect(y[8].isNaN, "\(what)")
                #expect(y[9] < 1 && y[10] > 0, "\(what)")
            }
        }

        @Test("Sigmoid is within 4e-7 relative of the Double reference from -90 to 90", arguments: vectorLengths)
        func matchesReference(length: Int) throws {
            var rng = SeededGenerator(seed: 2000 + UInt64(length))
            // A regular sweep of [-90, 90] plus jitter, so every binade and both branches are hit.
            let x = (0..<length).map { i in
                length < 2 ? rng.float(in: -90...90) : -90 + 180 * Float(i) / Float(length - 1) + rng.float(in: -0.01...0.01)
            }
            var expected = [Double](repeating: 0, count: length)
            x.map(Double.init).withUnsafeBufferPointer { px in
                expected.withUnsafeMutableBufferPointer { ReferenceBackend<Double>().sigmoidForward(x: px, y: $0) }
            }
            try forEachSupportedISA { isa in
                let (status, y) = sigmoidForward(x)
                #expect(status == CK_OK)
                #expect(y.allSatisfy { $0 >= 0 && $0 <= 1 }, "sigmoid outside [0, 1] on \(isa.name)")
                // A few ulp where the result is a normal number of reasonable size; absolute
                // below 1e-30, where exp is allowed to flush to 0.
                expectClose(y, expected, tolerance: { expected[$0] >= 1e-30 ? 4e-7 * expected[$0] : 1e-30 },
                            "sigmoid, n \(length) on \(isa.name)")
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { p in _ = ck_sigmoid_forward(length, p.baseAddress, p.baseAddress) }
                expectSameBits(inPlace, y, "in-place sigmoid, n \(length) on \(isa.name)")
            }
        }

        @Test("Sigmoid backward is dy * (1 - y) * y, also in place", arguments: vectorLengths)
        func backward(length: Int) throws {
            var rng = SeededGenerator(seed: 3000 + UInt64(length))
            let y = rng.floats(length, in: 0...1)
            let dy = rng.floats(length, in: -10...10)
            let expected = (0..<length).map { Double(dy[$0]) * (1 - Double(y[$0])) * Double(y[$0]) }
            try forEachSupportedISA { isa in
                var dx = [Float](repeating: sentinel, count: length)
                #expect(ck_sigmoid_backward(length, dy, y, &dx) == CK_OK)
                // Three roundings.
                expectClose(dx, expected, relative: 4e-7, absolute: 1e-37, "sigmoid backward, n \(length) on \(isa.name)")
                var inPlace = dy
                inPlace.withUnsafeMutableBufferPointer { p in _ = ck_sigmoid_backward(length, p.baseAddress, y, p.baseAddress) }
                expectSameBits(inPlace, dx, "in-place sigmoid backward, n \(length) on \(isa.name)")
            }
        }

        @Test("FastBackend sigmoid matches ReferenceBackend<Float> through the Tensor API")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 42)
            let x = Tensor(shape: [9, 41], scalars: rng.floats(369, in: -40...40))
            let dy = Tensor(shape: [9, 41], scalars: rng.floats(369))
            let reference = ReferenceBackend<Float>()
            var expectedY = Tensor<Float>(shape: []), expectedDx = Tensor<Float>(shape: [])
            reference.sigmoid(x, into: &expectedY)
            reference.sigmoidBackward(dy, output: expectedY, into: &expectedDx)
            try forEachSupportedISA { isa in
                var y = Tensor<Float>(shape: []), dx = Tensor<Float>(shape: [])
                FastBackend().sigmoid(x, into: &y)
                FastBackend().sigmoidBackward(dy, output: y, into: &dx)
                #expect(y.shape == x.shape)
                expectClose(y.scalars, expectedY.scalars.map(Double.init), relative: 1e-6, absolute: 1e-30,
                            "FastBackend sigmoid on \(isa.name)")
                expectClose(dx.scalars, expectedDx.scalars.map(Double.init), relative: 4e-6, absolute: 1e-30,
                            "FastBackend sigmoid backward on \(isa.name)")
            }
        }

        @Test("Property: sigmoid(x) is in [0, 1], NaN exactly for NaN, and sigmoid(x) + sigmoid(-x) == 1")
        func law() async throws {
            try await forEachSupportedISA { isa in
                await propertyCheck(count: 50, input: Gen.uint32().array(of: 0...80)) { bits in
                    let x = bits.map(Float.init(bitPattern:))
                    let (status, y) = sigmoidForward(x)
                    let (_, yNegated) = sigmoidForward(x.map { -$0 })
                    #expect(status == CK_OK)
                    for i in x.indices {
                        let what = "sigmoid(\(x[i])) = \(y[i]), sigmoid(\(-x[i])) = \(yNegated[i]) on \(isa.name)"
                        #expect(y[i].isNaN == x[i].isNaN, "\(what)")
                        guard !x[i].isNaN else { continue }
                        #expect(y[i] >= 0 && y[i] <= 1, "\(what)")
                        // 1 / (1 + e) and e / (1 + e) share e: three roundings apart.
                        #expect(abs(Double(y[i]) + Double(yNegated[i]) - 1) <= 2.5e-7, "\(what)")
                    }
                }
            }
        }
    }

    @Suite("Tanh")
    struct TanhTests {
        @Test("Tanh at ±0, ±1e-7, ±0.625, ±44, ±100, ±Inf, NaN and a subnormal")
        func specialValues() throws {
            let subnormal = Float.leastNormalMagnitude / 1024
            let x: [Float] = [0, -0.0, 1e-7, -1e-7, 0.625, -0.625, 44, -44, 100, -100, .infinity, -.infinity, .nan, subnormal]
            try forEachSupportedISA { isa in
                var y = [Float](repeating: sentinel, count: x.count)
                #expect(ck_tanh_forward(x.count, x, &y) == CK_OK)
                let what = "tanh(\(x)) = \(y) on \(isa.name)"
                // The sign of zero survives, and a subnormal is its own tanh.
                #expect(y[0].bitPattern == Float(0).bitPattern && y[1].bitPattern == Float(-0.0).bitPattern, "\(what)")
                #expect(y[2] == 1e-7 && y[3] == -1e-7 && y[13] == subnormal, "\(what)")
                #expect(abs(Double(y[4]) - 0.5545997223493823) < 1e-7 && y[5] == -y[4], "\(what)")  // tanh(0.625)
                #expect(y[6] == 1 && y[7] == -1 && y[8] == 1 && y[9] == -1 && y[10] == 1 && y[11] == -1, "\(what)")
                #expect(y[12].isNaN, "\(what)")
            }
        }

        @Test("Tanh is within 2.5e-7 relative of the Double reference from -50 to 50, also in place",
              arguments: vectorLengths)
        func matchesReference(length: Int) throws {
            var rng = SeededGenerator(seed: 4000 + UInt64(length))
            // A sweep of [-50, 50] (both branches, the cut at 0.625 and saturation) plus jitter.
            let x = (0..<length).map { i in
                length < 2 ? rng.float(in: -5...5) : -50 + 100 * Float(i) / Float(length - 1) + rng.float(in: -0.01...0.01)
            }
            var expected = [Double](repeating: 0, count: length)
            x.map(Double.init).withUnsafeBufferPointer { px in
                expected.withUnsafeMutableBufferPointer { ReferenceBackend<Double>().tanhForward(x: px, y: $0) }
            }
            try forEachSupportedISA { isa in
                var y = [Float](repeating: sentinel, count: length)
                #expect(ck_tanh_forward(length, x, &y) == CK_OK)
                // Measured over every float in [0, 8]: at most 1.5e-7 relative (2.5 ulp), at x = 0.64.
                expectClose(y, expected, relative: 2.5e-7, absolute: 1e-45, "tanh, n \(length) on \(isa.name)")
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { p in _ = ck_tanh_forward(length, p.baseAddress, p.baseAddress) }
                expectSameBits(inPlace, y, "in-place tanh, n \(length) on \(isa.name)")
            }
        }

        @Test("Tanh backward is dy * (1 - y * y) bit for bit as ReferenceBackend<Float>, also in place",
              arguments: vectorLengths)
        func backward(length: Int) throws {
            var rng = SeededGenerator(seed: 5000 + UInt64(length))
            let y = rng.floats(length, in: -1...1)
            let dy = rng.floats(length, in: -10...10)
            var expected = [Float](repeating: 0, count: length)
            dy.withUnsafeBufferPointer { pdy in
                y.withUnsafeBufferPointer { py in
                    expected.withUnsafeMutableBufferPointer { ReferenceBackend<Float>().tanhBackward(dy: pdy, y: py, dx: $0) }
                }
            }
            try forEachSupportedISA { isa in
                var dx = [Float](repeating: sentinel, count: length)
                #expect(ck_tanh_backward(length, dy, y, &dx) == CK_OK)
                expectSameBits(dx, expected, "tanh backward, n \(length) on \(isa.name)")
                var inPlace = dy
                inPlace.withUnsafeMutableBufferPointer { p in _ = ck_tanh_backward(length, p.baseAddress, y, p.baseAddress) }
                expectSameBits(inPlace, expected, "in-place tanh backward, n \(length) on \(isa.name)")
            }
        }

        @Test("FastBackend tanh matches ReferenceBackend<Float> through the Tensor API")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 43)
            let x = Tensor(shape: [9, 41], scalars: rng.floats(369, in: -6...6))
            let dy = Tensor(shape: [9, 41], scalars: rng.floats(369))
            let reference = ReferenceBackend<Float>()
            var expectedY = Tensor<Float>(shape: []), expectedDx = Tensor<Float>(shape: [])
            reference.tanh(x, into: &expectedY)
            try forEachSupportedISA { isa in
                var y = Tensor<Float>(shape: []), dx = Tensor<Float>(shape: [])
                FastBackend().tanh(x, into: &y)
                FastBackend().tanhBackward(dy, output: y, into: &dx)
                reference.tanhBackward(dy, output: y, into: &expectedDx)
                #expect(y.shape == x.shape && dx.shape == x.shape)
                expectClose(y.scalars, expectedY.scalars.map(Double.init), relative: 4e-7, absolute: 1e-45,
                            "FastBackend tanh on \(isa.name)")
                expectSameBits(dx.scalars, expectedDx.scalars, "FastBackend tanh backward on \(isa.name)")
            }
        }

        /// Monotonicity across the switch from the polynomial to exp at |x| = 0.625 was checked
        /// exhaustively over every float below 48 (the kernel is odd and saturates above).
        @Test("Property: tanh is odd, in [-1, 1], monotone and NaN exactly for NaN")
        func law() async throws {
            try await forEachSupportedISA { isa in
                await propertyCheck(count: 50, input: Gen.uint32().array(of: 0...80)) { bits in
                    let x = bits.map(Float.init(bitPattern:))
                    var y = [Float](repeating: 0, count: x.count), yNegated = y
                    #expect(ck_tanh_forward(x.count, x, &y) == CK_OK)
                    #expect(ck_tanh_forward(x.count, x.map { -$0 }, &yNegated) == CK_OK)
                    for i in x.indices {
                        let what = "tanh(\(x[i])) = \(y[i]), tanh(\(-x[i])) = \(yNegated[i]) on \(isa.name)"
                        #expect(y[i].isNaN == x[i].isNaN, "\(what)")
                        guard !x[i].isNaN else { continue }
                        #expect(y[i] >= -1 && y[i] <= 1 && y[i].bitPattern == (-yNegated[i]).bitPattern, "\(what)")
                        #expect(x[i] >= 0 ? y[i] >= 0 : y[i] <= 0, "\(what)")
                    }
                    let sorted = x.filter { !$0.isNaN }.sorted()
                    var ys = [Float](repeating: 0, count: sorted.count)
                    _ = ck_tanh_forward(sorted.count, sorted, &ys)
                    #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 <= $1 }, "tanh not monotone on \(isa.name)")
                }
            }
        }
    }
}
