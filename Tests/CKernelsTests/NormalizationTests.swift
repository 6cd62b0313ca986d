import Backprop
import CKernels
import Numerics
import Testing
import TestSupport

/// The C core's batch normalization on a strided batch, every output collected.
struct BatchNormRun: Equatable {
    var y: [Float], normalized: [Float], inverseStd: [Float], runningMean: [Float], runningVariance: [Float]
    var inference: [Float], dx: [Float], gammaGradient: [Float], betaGradient: [Float]
}

/// Inputs of one batch normalization case: x and dy with padding, per-feature vectors.
struct BatchNormCase {
    let m: Int, n: Int
    let x: StridedMatrix, dy: StridedMatrix
    let gamma: [Float], beta: [Float], runningMean: [Float], runningVariance: [Float]
    let epsilon: Float = 1e-6, momentum: Float = 0.9

    init(m: Int, n: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        self.m = m
        self.n = n
        // Features with an offset of 3 and a spread of 1: the mean is not small against the spread.
        x = StridedMatrix(rows: m, columns: n, padding: 3, range: 2...4, using: &rng)
        dy = StridedMatrix(rows: m, columns: n, padding: 1, using: &rng)
        gamma = rng.floats(n, in: 0.5...2)
        beta = rng.floats(n)
        runningMean = rng.floats(n)
        runningVariance = rng.floats(n, in: 0.5...2)
    }

    /// Runs the three C kernels with the current ISA and thread bound (dx written into a copy
    /// of dy, in place, with dy's leading dimension).
    func runC() -> BatchNormRun {
        var run = BatchNormRun(y: x.storage, normalized: [Float](repeating: sentinel, count: m * n),
                               inverseStd: [Float](repeating: sentinel, count: n), runningMean: runningMean,
                               runningVariance: runningVariance, inference: x.storage, dx: dy.storage,
                               gammaGradient: [Float](repeating: sentinel, count: n),
                               betaGradient: [Float](repeating: sentinel, count: n))
        // y and the inference output start as copies of x's storage, so their padding holds
        // the sentinel, which the kernels must not touch.
        #expect(ck_batchnorm_forward_training(m, n, x.storage, x.ld, gamma, beta, epsilon, momentum,
                                              &run.runningMean, &run.runningVariance, &run.normalized,
                                              &run.inverseStd, &run.y, x.ld) == CK_OK)
        #expect(ck_batchnorm_forward_inference(m, n, x.storage, x.ld, gamma, beta, runningMean, runningVariance,
                                               epsilon, &run.inference, x.ld) == CK_OK)
        run.dx.withUnsafeMutableBufferPointer { pdx in
            #expect(ck_batchnorm_backward(m, n, pdx.baseAddress, dy.ld, run.normalized, run.inverseStd, gamma,
                                          &run.gammaGradient, &run.betaGradient, pdx.baseAddress, dy.ld) == CK_OK)
        }
        return run
    }

    /// The same through ReferenceBackend<Scalar>, on dense copies; y and dx come back dense.
    func runReference<Scalar: BinaryFloatingPoint & Real & Sendable>(_ backend: ReferenceBackend<Scalar>)
        -> (y: [Scalar], normalized: [Scalar], inverseStd: [Scalar], runningMean: [Scalar], runningVariance: [Scalar],
            inference: [Scalar], dx: [Scalar], gammaGradient: [Scalar], betaGradient: [Scalar]) {
        func tensor(_ values: [Float], _ shape: [Int]) -> Tensor<Scalar> {
            Tensor(shape: shape, scalars: values.map { Scalar($0) })
        }
        let tx = tensor(x.elements, [m, n]), tdy = tensor(dy.elements, [m, n])
        let (g, b) = (tensor(gamma, [n]), tensor(beta, [n]))
        var mean = tensor(runningMean, [n]), variance = tensor(runningVariance, [n])
        var y = Tensor<Scalar>(shape: [0]), normalized = y, inverse = y, inference = y, dx = y, dg = y, db = y
        backend.batchNormTraining(tx, gamma: g, beta: b, epsilon: Scalar(epsilon), momentum: Scalar(momentum),
                                  runningMean: &mean, runningVariance: &variance, normalized: &normalized,
                                  inverseStandardDeviation: &inverse, into: &y)
        backend.batchNormInference(tx, gamma: g, beta: b, runningMean: tensor(runningMean, [n]),
                                   runningVariance: tensor(runningVariance, [n]), epsilon: Scalar(epsilon),
                                   into: &inference)
        backend.batchNormBackward(tdy, normalized: normalized, inverseStandardDeviation: inverse, gamma: g,
                                  gammaGradient: &dg, betaGradient: &db, into: &dx)
        return (y.scalars, normalized.scalars, inverse.scalars, mean.scalars, variance.scalars, inference.scalars,
                dx.scalars, dg.scalars, db.scalars)
    }

    /// The rows of a strided buffer with x's or dy's leading dimension, without padding.
    func dense(_ storage: [Float], ld: Int) -> [Float] {
        (0..<m).flatMap { i in storage[(i * ld)..<(i * ld + n)] }
    }
}

extension SerializedCoreTests {
    /// `ckernels.h` spells out every step of batch normalization in double, rounded once, and
    /// ReferenceBackend takes the same steps: in Float the two must agree bit for bit.
    @Suite("Batch normalization")
    struct BatchNormalizationTests {
        @Test("Training, inference and backward match ReferenceBackend<Float> bit for bit; padding untouched",
              arguments: [(1, 5), (2, 3), (7, 1), (16, 65), (100, 50)])
        func matchesReference(m: Int, n: Int) throws {
            let input = BatchNormCase(m: m, n: n, seed: UInt64(100 * m + n))
            let expected = input.runReference(ReferenceBackend<Float>())
            try forEachSupportedISA { isa in
                let run = input.runC()
                let what = "\(m)x\(n) on \(isa.name)"
                expectSameBits(input.dense(run.y, ld: input.x.ld), expected.y, "y, \(what)")
                expectSameBits(run.normalized, expected.normalized, "xhat, \(what)")
                expectSameBits(run.inverseStd, expected.inverseStd, "inv_std, \(what)")
                expectSameBits(run.runningMean, expected.runningMean, "running mean, \(what)")
                expectSameBits(run.runningVariance, expected.runningVariance, "running variance, \(what)")
                expectSameBits(input.dense(run.inference, ld: input.x.ld), expected.inference, "inference, \(what)")
                expectSameBits(input.dense(run.dx, ld: input.dy.ld), expected.dx, "dx, \(what)")
                expectSameBits(run.gammaGradient, expected.gammaGradient, "dgamma, \(what)")
                expectSameBits(run.betaGradient, expected.betaGradient, "dbeta, \(what)")
                // The padding of the aliased buffers keeps the sentinel.
                for (name, storage) in [("y", run.y), ("inference", run.inference)] {
                    var padded = input.x
                    padded.storage = storage
                    #expect(padded.paddingIsIntact, "\(name) padding, \(what)")
                }
            }
        }

        @Test("Against the Double reference: y within 1e-6, dx within 1e-5 (relative to the scale of the values)")
        func closeToDouble() throws {
            let input = BatchNormCase(m: 33, n: 20, seed: 7)
            let truth = input.runReference(ReferenceBackend<Double>())
            let run = input.runC()
            expectClose(input.dense(run.y, ld: input.x.ld), truth.y, relative: 1e-6, absolute: 1e-6, "y")
            expectClose(run.runningVariance, truth.runningVariance, relative: 1e-6, "running variance")
            expectClose(input.dense(run.dx, ld: input.dy.ld), truth.dx, relative: 1e-5, absolute: 1e-6, "dx")
            expectClose(run.gammaGradient, truth.gammaGradient, relative: 1e-5, absolute: 1e-6, "dgamma")
            // The batch really is normalized: every column of xhat has mean 0 and variance 1.
            for j in 0..<input.n {
                let column = (0..<input.m).map { Double(run.normalized[$0 * input.n + j]) }
                let mean = column.reduce(0, +) / Double(input.m)
                let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(input.m)
                #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5, "column \(j): mean \(mean), variance \(variance)")
            }
        }

        @Test("A batch of one sample outputs exactly beta, with zero dx and dgamma")
        func singleSample() throws {
            let input = BatchNormCase(m: 1, n: 9, seed: 8)
            try forEachSupportedISA { isa in
                let run = input.runC()
                expectSameBits(Array(run.y.prefix(input.n)), input.beta, "y on \(isa.name)")
                #expect(run.normalized.allSatisfy { $0 == 0 } && run.gammaGradient.allSatisfy { $0 == 0 }, "\(isa.name)")
                #expect(run.dx.prefix(input.n).allSatisfy { $0 == 0 }, "dx on \(isa.name)")
                expectSameBits(run.betaGradient, Array(input.dy.storage.prefix(input.n)), "dbeta on \(isa.name)")
            }
        }

        @Test("Zero gradients give zero dx, dgamma and dbeta")
        func zeroGradient() throws {
            let input = BatchNormCase(m: 5, n: 4, seed: 9)
            var normalized = [Float](repeating: 0, count: 20), inverse = [Float](repeating: 0, count: 4)
            var mean = input.runningMean, variance = input.runningVariance, y = [Float](repeating: 0, count: 20)
            #expect(ck_batchnorm_forward_training(5, 4, input.x.storage, input.x.ld, input.gamma, input.beta, 1e-6, 0.9,
                                                  &mean, &variance, &normalized, &inverse, &y, 4) == CK_OK)
            let dy = [Float](repeating: 0, count: 20)
            var dx = [Float](repeating: sentinel, count: 20), dg = [Float](repeating: sentinel, count: 4), db = dg
            #expect(ck_batchnorm_backward(5, 4, dy, 4, normalized, inverse, input.gamma, &dg, &db, &dx, 4) == CK_OK)
            #expect(dx.allSatisfy { $0 == 0 } && dg.allSatisfy { $0 == 0 } && db.allSatisfy { $0 == 0 })
        }

        @Test("Rejected arguments: negative or NaN epsilon, short leading dimension, missing vectors")
        func argumentChecks() {
            let x: [Float] = [1, 2, 3, 4]
            var y = [Float](repeating: 9, count: 4), h = y, s: [Float] = [9, 9], mean: [Float] = [0, 0], variance = mean
            let g: [Float] = [1, 1], b: [Float] = [0, 0]
            #expect(ck_batchnorm_forward_training(2, 2, x, 2, g, b, -1e-6, 0.9, &mean, &variance, &h, &s, &y, 2) == CK_EINVAL)
            #expect(ck_batchnorm_forward_training(2, 2, x, 2, g, b, .nan, 0.9, &mean, &variance, &h, &s, &y, 2) == CK_EINVAL)
            #expect(ck_batchnorm_forward_training(2, 2, x, 1, g, b, 1e-6, 0.9, &mean, &variance, &h, &s, &y, 2) == CK_EINVAL)
            #expect(ck_batchnorm_forward_inference(2, 2, x, 2, nil, b, mean, variance, 1e-6, &y, 2) == CK_EINVAL)
            #expect(ck_batchnorm_backward(2, 2, x, 2, h, s, g, nil, &mean, &y, 2) == CK_EINVAL)
            #expect(y == [9, 9, 9, 9] && mean == [0, 0], "a rejected call wrote its outputs")
        }
    }
}
