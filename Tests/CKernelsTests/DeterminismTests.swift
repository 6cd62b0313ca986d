import Backprop
import CKernels
import Testing
import TestSupport

/// Every kernel run once on inputs large enough to go parallel, with its outputs collected by
/// name. `ckernels.h` promises that these bits depend neither on the thread count nor on the
/// instruction set; the tests below run the workload under different settings and compare.
struct DeterminismWorkload {
    private let gemmA: [Float], gemmB: [Float], gemmC: [Float]
    private let logits: [Float], labels: [Int32], oneHot: [Float]
    private let shortLogits: [Float], shortSpecialLogits: [Float], shortLabels: [Int32]
    private let vector: [Float], gradient: [Float], bias: [Float]
    static let gemmSize = 300
    static let (rows, classes) = (512, 1000)
    /// The output layer's shape: rows of 10 go through the 16-row block kernel, and 8191 of them
    /// (not a multiple of 16) are enough elements to run on two threads.
    static let (shortRows, shortClasses) = (8191, 10)
    static let vectorLength = 1 << 18

    init() {
        var rng = SeededGenerator(seed: 71)
        let s = Self.gemmSize
        gemmA = rng.floats(s * s)
        gemmB = rng.floats(s * s)
        gemmC = rng.floats(s * s)
        // Logits with a few rows holding +Inf or NaN, so the special paths run in parallel too.
        var logits = rng.floats(Self.rows * Self.classes, in: -30...30)
        logits[7 * Self.classes + 3] = .infinity
        logits[300 * Self.classes + 999] = .nan
        self.logits = logits
        labels = (0..<Self.rows).map { _ in Int32(rng.int(in: 0...(Self.classes - 1))) }
        oneHot = (0..<(Self.rows * Self.classes)).map { [labels] in
            $0 % Self.classes == Int(labels[$0 / Self.classes]) ? 1 : 0
        }
        // Finite for the loss (a NaN or +Inf row would make it NaN or Inf whatever the bits);
        // with a NaN and a +Inf row for the softmax, whose blocks hand those rows back.
        shortLogits = rng.floats(Self.shortRows * Self.shortClasses, in: -30...30)
        var shortSpecialLogits = shortLogits
        shortSpecialLogits[100 * Self.shortClasses + 4] = .nan
        shortSpecialLogits[4000 * Self.shortClasses + 9] = .infinity
        self.shortSpecialLogits = shortSpecialLogits
        shortLabels = (0..<Self.shortRows).map { _ in Int32(rng.int(in: 0...(Self.shortClasses - 1))) }
        vector = activationInputs(Self.vectorLength, using: &rng)
        gradient = rng.floats(Self.vectorLength)
        bias = rng.floats(Self.classes)
    }

    /// Runs every kernel with the current ISA and thread bound, expecting each to succeed.
    func run() -> [(name: String, values: [Float])] {
        var outputs: [(name: String, values: [Float])] = []
        func succeeded(_ status: ck_status, _ kernel: String) {
            #expect(status == CK_OK, "\(kernel): \(String(cString: ck_status_string(status)))")
        }
        let s = Self.gemmSize
        // Each transpose pair once, half of them accumulating into C (the scalar kernel is slow
        // in a test run, so not the full 4 x 2 grid).
        let products: [(ck_transpose, ck_transpose, Float)] = [
            (CK_NO_TRANS, CK_NO_TRANS, 0), (CK_NO_TRANS, CK_TRANS, -1.5), (CK_TRANS, CK_NO_TRANS, -1.5), (CK_TRANS, CK_TRANS, 0),
        ]
        for (ta, tb, beta) in products {
            var c = gemmC
            succeeded(ck_sgemm(ta, tb, s, s, s, 0.75, gemmA, s, gemmB, s, beta, &c, s), "ck_sgemm")
            outputs.append(("sgemm transposes \(ta.rawValue)\(tb.rawValue) beta \(beta)", c))
        }
        // An odd shape whose edge tiles fall inside each thread's range.
        var odd = [Float](repeating: 0, count: 257 * 299)
        succeeded(ck_sgemm(CK_NO_TRANS, CK_TRANS, 257, 299, 281, 1, gemmA, 281, gemmB, 281, 0, &odd, 299), "ck_sgemm")
        outputs.append(("sgemm 257x299x281", odd))

        let (m, n) = (Self.rows, Self.classes)
        var y = [Float](repeating: 0, count: m * n)
        succeeded(ck_softmax(m, n, logits, n, &y, n), "ck_softmax")
        outputs.append(("softmax", y))
        var loss: Float = 0
        succeeded(ck_softmax_cross_entropy_forward_labels(m, n, logits, n, labels, &y, n, &loss),
                  "ck_softmax_cross_entropy_forward_labels")
        outputs.append(("softmax-CE labels y", y))
        outputs.append(("softmax-CE labels loss", [loss]))
        succeeded(ck_softmax_cross_entropy_forward(m, n, logits, n, oneHot, n, &y, n, &loss), "ck_softmax_cross_entropy_forward")
        outputs.append(("softmax-CE one-hot loss", [loss]))
        var dx = [Float](repeating: 0, count: m * n)
        succeeded(ck_softmax_cross_entropy_backward_labels(m, n, y, n, labels, &dx, n),
                  "ck_softmax_cross_entropy_backward_labels")
        outputs.append(("softmax-CE backward", dx))

        let (shortM, shortN) = (Self.shortRows, Self.shortClasses)
        var shortY = [Float](repeating: 0, count: shortM * shortN)
        succeeded(ck_softmax(shortM, shortN, shortSpecialLogits, shortN, &shortY, shortN), "ck_softmax")
        outputs.append(("softmax rows of 10", shortY))
        succeeded(ck_softmax_cross_entropy_forward_labels(shortM, shortN, shortLogits, shortN, shortLabels,
                                                          &shortY, shortN, &loss),
                  "ck_softmax_cross_entropy_forward_labels")
        outputs.append(("softmax-CE rows of 10 y", shortY))
        outputs.append(("softmax-CE rows of 10 loss", [loss]))

        var biased = logits
        var biasMask = [UInt8](repeating: 0, count: m * n)
        succeeded(ck_add_row_bias_relu(m, n, bias, &biased, n, &biasMask), "ck_add_row_bias_relu")
        outputs.append(("bias + relu", biased))
        outputs.append(("bias + relu mask", biasMask.map(Float.init)))
        var sums = [Float](repeating: 0, count: n)
        succeeded(ck_column_sums(m, n, logits, n, &sums), "ck_column_sums")
        outputs.append(("column sums", sums))

        let count = Self.vectorLength
        var out = [Float](repeating: 0, count: count), back = out
        var mask = [UInt8](repeating: 0, count: count)
        succeeded(ck_relu_forward(count, vector, &out, &mask), "ck_relu_forward")
        outputs.append(("relu", out))
        outputs.append(("relu mask", mask.map(Float.init)))
        succeeded(ck_relu_backward(count, gradient, mask, &back), "ck_relu_backward")
        outputs.append(("relu backward", back))
        succeeded(ck_sigmoid_forward(count, vector, &out), "ck_sigmoid_forward")
        outputs.append(("sigmoid", out))
        succeeded(ck_sigmoid_backward(count, gradient, out, &back), "ck_sigmoid_backward")
        outputs.append(("sigmoid backward", back))

        var (p, velocity, first, second) = (vector, gradient, [Float](repeating: 0, count: count), gradient.map { $0 * $0 })
        succeeded(ck_sgd_update(count, 0.1, gradient, &p), "ck_sgd_update")
        succeeded(ck_momentum_update(count, 0.1, 0.9, gradient, &velocity, &p), "ck_momentum_update")
        succeeded(ck_adam_update(count, 0.01, 0.9, 0.999, 1e-7, gradient, &first, &second, &p), "ck_adam_update")
        outputs.append(("optimizers", p + velocity + first + second))
        return outputs
    }
}

/// Chapter 6's kernels (tanh, batch normalization, dropout, weight decay, Nesterov, AdaGrad,
/// RMSprop), each run once on inputs large enough to split across 3 threads: batch
/// normalization over 5 blocks of columns, the vectors over several pieces.
struct Chapter6Workload {
    static let (rows, features) = (100, 300)
    static let vectorLength = 70_001
    private let batch: [Float], upstream: [Float], gamma: [Float], beta: [Float], statistics: [Float]
    private let vector: [Float], gradient: [Float]

    init() {
        var rng = SeededGenerator(seed: 72)
        batch = rng.floats(Self.rows * Self.features, in: -2...6)
        upstream = rng.floats(Self.rows * Self.features)
        gamma = rng.floats(Self.features, in: 0.5...2)
        beta = rng.floats(Self.features)
        statistics = rng.floats(Self.features, in: 0.5...2)
        vector = activationInputs(Self.vectorLength, using: &rng)
        gradient = rng.floats(Self.vectorLength)
    }

    /// Runs every kernel with the current ISA and thread bound, expecting each to succeed.
    func run() -> [(name: String, values: [Float])] {
        var outputs: [(name: String, values: [Float])] = []
        func succeeded(_ status: ck_status, _ kernel: String) {
            #expect(status == CK_OK, "\(kernel): \(String(cString: ck_status_string(status)))")
        }
        let (m, n, count) = (Self.rows, Self.features, Self.vectorLength)
        var y = [Float](repeating: 0, count: m * n), xhat = y, dx = y
        var inverse = [Float](repeating: 0, count: n), mean = beta, variance = statistics, dg = inverse, db = inverse
        succeeded(ck_batchnorm_forward_training(m, n, batch, n, gamma, beta, 1e-6, 0.9, &mean, &variance, &xhat,
                                                &inverse, &y, n), "ck_batchnorm_forward_training")
        outputs += [("batchnorm y", y), ("batchnorm xhat", xhat), ("batchnorm inv_std", inverse),
                    ("batchnorm running mean", mean), ("batchnorm running variance", variance)]
        succeeded(ck_batchnorm_backward(m, n, upstream, n, xhat, inverse, gamma, &dg, &db, &dx, n), "ck_batchnorm_backward")
        outputs += [("batchnorm dx", dx), ("batchnorm dgamma", dg), ("batchnorm dbeta", db)]
        succeeded(ck_batchnorm_forward_inference(m, n, batch, n, gamma, beta, beta, statistics, 1e-6, &y, n),
                  "ck_batchnorm_forward_inference")
        outputs.append(("batchnorm inference", y))

        var mask = [UInt8](repeating: 0, count: m * n)
        succeeded(ck_dropout_mask(m, n, 0.3, 42, 9, 2, 500, &mask), "ck_dropout_mask")
        outputs.append(("dropout mask", mask.map(Float.init)))
        succeeded(ck_dropout_apply(m * n, batch, mask, 1 / 0.7, &y), "ck_dropout_apply")
        outputs.append(("dropout apply", y))

        var out = [Float](repeating: 0, count: count), back = out
        succeeded(ck_tanh_forward(count, vector, &out), "ck_tanh_forward")
        outputs.append(("tanh", out))
        succeeded(ck_tanh_backward(count, gradient, out, &back), "ck_tanh_backward")
        outputs.append(("tanh backward", back))
        succeeded(ck_scale(count, 0.8, gradient, &back), "ck_scale")
        outputs.append(("scale", back))
        succeeded(ck_add_scaled(count, 0.01, gradient, &back), "ck_add_scaled")
        outputs.append(("add_scaled", back))
        var sum = 0.0
        succeeded(ck_sum_of_squares(count, gradient, &sum), "ck_sum_of_squares")
        // The double's two halves as floats' bit patterns, so that the comparison is bitwise.
        outputs.append(("sum of squares", [Float(bitPattern: UInt32(truncatingIfNeeded: sum.bitPattern)),
                                           Float(bitPattern: UInt32(truncatingIfNeeded: sum.bitPattern >> 32))]))

        var (p, v, h, a) = (gradient, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count),
                            [Float](repeating: 0.001, count: count))
        let g = vector.map { $0.isFinite ? $0 / 100 : 0 }
        succeeded(ck_nesterov_update(count, 0.01, 0.9, g, &v, &p), "ck_nesterov_update")
        succeeded(ck_adagrad_update(count, 0.01, 1e-7, g, &h, &p), "ck_adagrad_update")
        succeeded(ck_rmsprop_update(count, 0.01, 0.99, 1e-7, g, &a, &p), "ck_rmsprop_update")
        outputs.append(("nesterov / adagrad / rmsprop", p + v + h + a))
        outputs += Self.convolutionOutputs(succeeded)
        return outputs
    }

    /// Convolution (stride 1 with padding, and stride 2) and max pooling on a batch large enough
    /// to run on two threads (forward about 9 MFLOP), with a last group of images that is not full.
    private static func convolutionOutputs(_ succeeded: (ck_status, String) -> Void) -> [(name: String, values: [Float])] {
        var rng = SeededGenerator(seed: 72)
        var outputs: [(name: String, values: [Float])] = []
        let n = 41
        for (stride, pad) in [(1, 1), (2, 0)] {
            var shape = ck_conv_shape(channels: 4, height: 14, width: 14, filters: 16, kernel_height: 3, kernel_width: 3,
                                      stride: stride, pad: pad)
            var (oh, ow) = (0, 0)
            succeeded(ck_conv_output_size(&shape, &oh, &ow), "ck_conv_output_size")
            let x = rng.floats(n * 4 * 14 * 14), w = rng.floats(16 * 36), b = rng.floats(16)
            let dy = rng.floats(n * 16 * oh * ow)
            var y = [Float](repeating: 0, count: dy.count), dw = w, db = b, dx = x
            succeeded(ck_conv_forward(n, &shape, x, w, b, &y), "ck_conv_forward")
            succeeded(ck_conv_backward(n, &shape, x, w, dy, &dw, &db, &dx), "ck_conv_backward")
            outputs += [("conv stride \(stride) y", y), ("conv stride \(stride) dW", dw),
                        ("conv stride \(stride) db", db), ("conv stride \(stride) dx", dx)]
            var pool = ck_pool_shape(channels: 16, height: oh, width: ow, size: 3, stride: 2, pad: 1)
            var (ph, pw) = (0, 0)
            succeeded(ck_maxpool_output_size(&pool, &ph, &pw), "ck_maxpool_output_size")
            var pooled = [Float](repeating: 0, count: n * 16 * ph * pw), argmax = [Int32](repeating: 0, count: pooled.count)
            // Coarse values: many ties, which must go to the same element on every thread count.
            let coarse = y.map { ($0 * 2).rounded() }
            succeeded(ck_maxpool_forward(n, &pool, coarse, &pooled, &argmax), "ck_maxpool_forward")
            var back = y
            succeeded(ck_maxpool_backward(n, &pool, pooled, argmax, &back), "ck_maxpool_backward")
            outputs += [("maxpool y", pooled), ("maxpool argmax", argmax.map(Float.init)), ("maxpool dx", back)]
        }
        return outputs
    }
}

/// Expects two runs of the workload to agree bit for bit (NaN-ness only, for NaN results).
func expectSameOutputs(_ actual: [(name: String, values: [Float])], _ expected: [(name: String, values: [Float])],
                       _ setting: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.map(\.name) == expected.map(\.name), sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        expectSameBits(a.values, e.values, "\(a.name): \(setting)", sourceLocation: sourceLocation)
    }
}

extension SerializedCoreTests {
    @Suite("Bitwise determinism across thread counts and instruction sets")
    struct DeterminismTests {
        static let workload = DeterminismWorkload()

        @Test("Every kernel gives the same bits with 1 and 2 threads")
        func threadCounts() throws {
            try forEachSupportedISA { isa in
                let serial = withThreadCount(1) { Self.workload.run() }
                let parallel = withThreadCount(2) { Self.workload.run() }
                expectSameOutputs(parallel, serial, "2 threads vs 1 on \(isa.name)")
            }
        }

        static let chapter6 = Chapter6Workload()

        @Test("Chapter 6's and 7's kernels (convolution, max pooling) give the same bits with 1, 2 and 3 threads on every supported instruction set")
        func chapter6() throws {
            let baseline = try withInstructionSet(CK_ISA_SCALAR) { withThreadCount(1) { Self.chapter6.run() } }
            try forEachSupportedISA { isa in
                for threads in 1...3 {
                    let outputs = withThreadCount(threads) { Self.chapter6.run() }
                    expectSameOutputs(outputs, baseline, "\(threads) threads on \(isa.name) vs 1 thread on scalar")
                }
            }
        }

        @Test("Every kernel gives the same bits on every supported instruction set")
        func instructionSets() throws {
            var baseline: (isa: ck_isa, outputs: [(name: String, values: [Float])])?
            try forEachSupportedISA { isa in
                let outputs = Self.workload.run()
                if let baseline {
                    expectSameOutputs(outputs, baseline.outputs, "\(isa.name) vs \(baseline.isa.name)")
                } else {
                    baseline = (isa, outputs)
                }
            }
        }
    }
}
