import Backprop
import CKernels
import Numerics
import Testing
import TestSupport

extension SerializedCoreTests {
    /// SGD, Momentum, Adam, Nesterov, AdaGrad and RMSprop. `ckernels.h` spells out each update expression and the core is
    /// compiled with -ffp-contract=off, so every operation rounds once, exactly as in
    /// ReferenceBackend<Float>: the two must agree bit for bit.
    @Suite("Optimizer updates")
    struct OptimizerTests {
        /// The last two lengths run on several threads; 39,201 (the book's W1 plus one) is cut
        /// into pieces of whole cache lines with a short last one.
        static let lengths = [0, 1, 17, 1000, 39_201, 70_001]

        @Test("SGD matches ReferenceBackend<Float>", arguments: lengths)
        func sgd(length: Int) throws {
            var rng = SeededGenerator(seed: 61)
            let p0 = rng.floats(length), g = rng.floats(length, in: -3...3)
            var expected = p0
            g.withUnsafeBufferPointer { pg in
                expected.withUnsafeMutableBufferPointer {
                    ReferenceBackend<Float>().sgdUpdate(learningRate: 0.01, gradient: pg, parameter: $0)
                }
            }
            try forEachSupportedISA { isa in
                var p = p0
                #expect(ck_sgd_update(length, 0.01, g, &p) == CK_OK)
                expectSameBits(p, expected, "SGD, n \(length) on \(isa.name)")
            }
        }

        @Test("Three Momentum steps match ReferenceBackend<Float>", arguments: lengths)
        func momentum(length: Int) throws {
            var rng = SeededGenerator(seed: 62)
            let p0 = rng.floats(length)
            let gradients = (0..<3).map { _ in rng.floats(length, in: -3...3) }
            var (expectedP, expectedV) = (p0, [Float](repeating: 0, count: length))
            for g in gradients {
                g.withUnsafeBufferPointer { pg in
                    expectedV.withUnsafeMutableBufferPointer { pv in
                        expectedP.withUnsafeMutableBufferPointer {
                            ReferenceBackend<Float>().momentumUpdate(learningRate: 0.01, momentum: 0.9, gradient: pg,
                                                                     velocity: pv, parameter: $0)
                        }
                    }
                }
            }
            try forEachSupportedISA { isa in
                var (p, v) = (p0, [Float](repeating: 0, count: length))
                for g in gradients {
                    #expect(ck_momentum_update(length, 0.01, 0.9, g, &v, &p) == CK_OK)
                }
                expectSameBits(v, expectedV, "Momentum velocity, n \(length) on \(isa.name)")
                expectSameBits(p, expectedP, "Momentum parameter, n \(length) on \(isa.name)")
            }
        }

        @Test("Five Adam steps with the book's bias correction match ReferenceBackend<Float>", arguments: lengths)
        func adam(length: Int) throws {
            var rng = SeededGenerator(seed: 63)
            let (learningRate, beta1, beta2, epsilon): (Float, Float, Float, Float) = (0.001, 0.9, 0.999, 1e-7)
            let p0 = rng.floats(length)
            // Zero gradients in places: m and v stay 0 there and the step must be exactly 0.
            let gradients = (0..<5).map { step in
                (0..<length).map { i in (i + step).isMultiple(of: 5) ? 0 : rng.float(in: -3...3) }
            }
            let correctedRates = (1...5).map { t in
                learningRate * (1 - Float.pow(beta2, t)).squareRoot() / (1 - Float.pow(beta1, t))
            }
            let zeros = [Float](repeating: 0, count: length)
            var (expectedP, expectedM, expectedV) = (p0, zeros, zeros)
            for (g, rate) in zip(gradients, correctedRates) {
                g.withUnsafeBufferPointer { pg in
                    expectedM.withUnsafeMutableBufferPointer { pm in
                        expectedV.withUnsafeMutableBufferPointer { pv in
                            expectedP.withUnsafeMutableBufferPointer {
                                ReferenceBackend<Float>().adamUpdate(correctedLearningRate: rate, beta1: beta1, beta2: beta2,
                                                                     epsilon: epsilon, gradient: pg, firstMoment: pm,
                                                                     secondMoment: pv, parameter: $0)
                            }
                        }
                    }
                }
            }
            try forEachSupportedISA { isa in
                var (p, m, v) = (p0, zeros, zeros)
                for (g, rate) in zip(gradients, correctedRates) {
                    #expect(ck_adam_update(length, rate, beta1, beta2, epsilon, g, &m, &v, &p) == CK_OK)
                }
                expectSameBits(m, expectedM, "Adam first moment, n \(length) on \(isa.name)")
                expectSameBits(v, expectedV, "Adam second moment, n \(length) on \(isa.name)")
                expectSameBits(p, expectedP, "Adam parameter, n \(length) on \(isa.name)")
            }
        }

        /// Three steps of one of chapter 6's stateful updates: the C kernel on every ISA against
        /// ReferenceBackend<Float>, bit for bit. Zero gradients in places leave state and step 0 there.
        func checkStatefulUpdate(
            length: Int, seed: UInt64, name: String, initialState: (inout SeededGenerator) -> Float,
            reference: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void,
            kernel: ([Float], inout [Float], inout [Float]) -> ck_status
        ) throws {
            var rng = SeededGenerator(seed: seed)
            let p0 = rng.floats(length)
            let s0 = (0..<length).map { _ in initialState(&rng) }
            let gradients = (0..<3).map { step in
                (0..<length).map { i in (i + step).isMultiple(of: 7) ? 0 : rng.float(in: -3...3) }
            }
            var (expectedP, expectedS) = (p0, s0)
            for g in gradients {
                g.withUnsafeBufferPointer { pg in
                    expectedS.withUnsafeMutableBufferPointer { ps in
                        expectedP.withUnsafeMutableBufferPointer { reference(pg, ps, $0) }
                    }
                }
            }
            try forEachSupportedISA { isa in
                var (p, state) = (p0, s0)
                for g in gradients {
                    #expect(kernel(g, &state, &p) == CK_OK)
                }
                expectSameBits(state, expectedS, "\(name) state, n \(length) on \(isa.name)")
                expectSameBits(p, expectedP, "\(name) parameter, n \(length) on \(isa.name)")
            }
        }

        @Test("Three Nesterov steps (the book's order) match ReferenceBackend<Float>", arguments: lengths)
        func nesterov(length: Int) throws {
            try checkStatefulUpdate(length: length, seed: 65, name: "Nesterov", initialState: { _ in 0 },
                                    reference: { g, v, p in
                ReferenceBackend<Float>().nesterovUpdate(learningRate: 0.01, momentum: 0.9, gradient: g, velocity: v, parameter: p)
            }, kernel: { g, v, p in ck_nesterov_update(p.count, 0.01, 0.9, g, &v, &p) })
        }

        @Test("Three AdaGrad steps match ReferenceBackend<Float>", arguments: lengths)
        func adaGrad(length: Int) throws {
            try checkStatefulUpdate(length: length, seed: 66, name: "AdaGrad", initialState: { _ in 0 },
                                    reference: { g, h, p in
                ReferenceBackend<Float>().adaGradUpdate(learningRate: 0.01, epsilon: 1e-7, gradient: g, squaredGradientSum: h,
                                                        parameter: p)
            }, kernel: { g, h, p in ck_adagrad_update(p.count, 0.01, 1e-7, g, &h, &p) })
        }

        @Test("Three RMSprop steps match ReferenceBackend<Float>", arguments: lengths)
        func rmsprop(length: Int) throws {
            try checkStatefulUpdate(length: length, seed: 67, name: "RMSprop", initialState: { $0.float(in: 0...0.01) },
                                    reference: { g, h, p in
                ReferenceBackend<Float>().rmspropUpdate(learningRate: 0.01, decay: 0.99, epsilon: 1e-7, gradient: g,
                                                        squaredGradientAverage: h, parameter: p)
            }, kernel: { g, h, p in ck_rmsprop_update(p.count, 0.01, 0.99, 1e-7, g, &h, &p) })
        }

        @Test("FastBackend optimizer updates match ReferenceBackend<Float> through the Tensor API")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 64)
            let p0 = Tensor(shape: [8, 9], scalars: rng.floats(72))
            let g = Tensor(shape: [8, 9], scalars: rng.floats(72, in: -2...2))
            let zeros = Tensor<Float>(shape: [8, 9])
            func steps<Backend: KernelBackend>(_ backend: Backend) -> [Tensor<Float>] where Backend.Scalar == Float {
                var (sgd, momentum, adam) = (p0, p0, p0)
                var (velocity, first, second) = (zeros, zeros, zeros)
                var (nesterov, adaGrad, rmsprop) = (p0, p0, p0)
                var (nesterovVelocity, sum, average) = (zeros, zeros, zeros)
                for _ in 0..<2 {
                    backend.nesterovUpdate(&nesterov, gradient: g, velocity: &nesterovVelocity, learningRate: 0.1, momentum: 0.9)
                    backend.adaGradUpdate(&adaGrad, gradient: g, squaredGradientSum: &sum, learningRate: 0.1, epsilon: 1e-7)
                    backend.rmspropUpdate(&rmsprop, gradient: g, squaredGradientAverage: &average, learningRate: 0.1,
                                          decay: 0.99, epsilon: 1e-7)
                    backend.sgdUpdate(&sgd, gradient: g, learningRate: 0.1)
                    backend.momentumUpdate(&momentum, gradient: g, velocity: &velocity, learningRate: 0.1, momentum: 0.9)
                    backend.adamUpdate(&adam, gradient: g, firstMoment: &first, secondMoment: &second,
                                       correctedLearningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
                }
                return [sgd, momentum, velocity, adam, first, second, nesterov, nesterovVelocity, adaGrad, sum, rmsprop, average]
            }
            let expected = steps(ReferenceBackend<Float>())
            try forEachSupportedISA { isa in
                let actual = steps(FastBackend())
                for (name, (a, e)) in zip(["sgd", "momentum", "velocity", "adam", "first moment", "second moment",
                                           "nesterov", "nesterov velocity", "adagrad", "adagrad sum", "rmsprop", "rmsprop average"],
                                          zip(actual, expected)) {
                    expectSameBits(a.scalars, e.scalars, "FastBackend \(name) on \(isa.name)")
                }
            }
        }
    }
}
