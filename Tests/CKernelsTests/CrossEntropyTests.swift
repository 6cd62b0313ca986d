import Backprop
import CKernels
import Numerics
import Testing
import TestSupport

/// Inputs of the fused softmax + cross-entropy: logits, class labels and the matching one-hot
/// targets (and optionally soft targets), all with padded leading dimensions.
struct CrossEntropyCase {
    let x: StridedMatrix
    let labels: [Int32]
    let targets: StridedMatrix

    init(m: Int, n: Int, range: ClosedRange<Float> = -10...10, softTargets: Bool = false, using rng: inout SeededGenerator) {
        x = StridedMatrix(rows: m, columns: n, padding: 2, range: range, using: &rng)
        let labels = (0..<m).map { _ in Int32(rng.int(in: 0...(n - 1))) }
        self.labels = labels
        if softTargets {
            // Rows of non-negative weights summing to 1 (up to rounding).
            let weights = StridedMatrix(rows: m, columns: n, padding: 0, range: 0...1, using: &rng)
            let sums = rowSums(weights.elements, rows: m, columns: n)
            targets = StridedMatrix(rows: m, columns: n, ld: n + 1) { i, j in Float(Double(weights[i, j]) / sums[i]) }
        } else {
            targets = StridedMatrix(rows: m, columns: n, ld: n + 1) { i, j in j == Int(labels[i]) ? 1 : 0 }
        }
    }

    init(x: StridedMatrix, labels: [Int32]) {
        self.x = x
        self.labels = labels
        targets = StridedMatrix(rows: x.rows, columns: x.columns, ld: x.columns) { i, j in j == Int(labels[i]) ? 1 : 0 }
    }

    /// The mean loss against `targets` in Double (ReferenceBackend<Double>).
    var referenceLoss: Double {
        let (m, n) = (x.rows, x.columns)
        let dx = x.elements.map(Double.init), dt = targets.elements.map(Double.init)
        var y = [Double](repeating: 0, count: m * n)
        return dx.withUnsafeBufferPointer { px in
            dt.withUnsafeBufferPointer { pt in
                y.withUnsafeMutableBufferPointer { py in
                    ReferenceBackend<Double>().softmaxCrossEntropyForward(m: m, n: n, x: px, ldx: n, t: pt, ldt: n, y: py, ldy: n)
                }
            }
        }
    }

    /// `ck_softmax_cross_entropy_forward` against `targets`, y with leading dimension `ldy`.
    func forwardOneHot(ldy: Int) -> (status: ck_status, y: StridedMatrix, loss: Float) {
        var y = StridedMatrix(rows: x.rows, columns: x.columns, ld: ldy) { _, _ in sentinel }
        var loss = sentinel
        let status = ck_softmax_cross_entropy_forward(x.rows, x.columns, x.storage, x.ld, targets.storage, targets.ld,
                                                      &y.storage, y.ld, &loss)
        return (status, y, loss)
    }

    /// `ck_softmax_cross_entropy_forward_labels`, y with leading dimension `ldy`.
    func forwardLabels(ldy: Int) -> (status: ck_status, y: StridedMatrix, loss: Float) {
        var y = StridedMatrix(rows: x.rows, columns: x.columns, ld: ldy) { _, _ in sentinel }
        var loss = sentinel
        let status = ck_softmax_cross_entropy_forward_labels(x.rows, x.columns, x.storage, x.ld, labels,
                                                             &y.storage, y.ld, &loss)
        return (status, y, loss)
    }
}

extension SerializedCoreTests {
    @Suite("Fused softmax + cross-entropy")
    struct CrossEntropyTests {
        static let shapes: [(m: Int, n: Int)] = [(1, 1), (1, 2), (7, 10), (100, 10), (3, 257), (300, 10)]

        @Test("Forward with one-hot targets, soft targets and labels matches the Double reference",
              arguments: [false, true])
        func forward(softTargets: Bool) throws {
            var rng = SeededGenerator(seed: softTargets ? 31 : 32)
            for (m, n) in Self.shapes {
                let problem = CrossEntropyCase(m: m, n: n, softTargets: softTargets, using: &rng)
                let expectedY = referenceSoftmax(problem.x)
                let expectedLoss = problem.referenceLoss
                try forEachSupportedISA { isa in
                    let what = "\(m)x\(n) \(softTargets ? "soft targets" : "one-hot") on \(isa.name)"
                    let oneHot = problem.forwardOneHot(ldy: n + 1)
                    #expect(oneHot.status == CK_OK, "\(what)")
                    #expect(oneHot.y.paddingIsIntact, "\(what) wrote into y's padding")
                    expectClose(oneHot.y.elements, expectedY, relative: 1e-5, absolute: 1e-37, "y, \(what)")
                    expectClose([oneHot.loss], [expectedLoss], relative: 1e-5, absolute: 1e-6, "loss, \(what)")
                    if !softTargets {
                        // The label form is the same computation: the same bits.
                        let labels = problem.forwardLabels(ldy: n)
                        #expect(labels.status == CK_OK, "\(what)")
                        expectSameBits(labels.y.elements, oneHot.y.elements, "labels vs one-hot y, \(what)")
                        expectSameBits([labels.loss], [oneHot.loss], "labels vs one-hot loss, \(what)")
                    }
                }
            }
        }

        @Test("Logits of ±1e4 give a finite, exact loss")
        func hugeLogits() throws {
            let x = StridedMatrix(rows: 2, columns: 3, ld: 3) { i, j in [[1e4, -1e4, 0], [-1e4, 1e4, -1e4]][i][j] }
            let wrong = CrossEntropyCase(x: x, labels: [1, 0])
            let right = CrossEntropyCase(x: x, labels: [0, 1])
            try forEachSupportedISA { isa in
                for forward in [wrong.forwardOneHot, wrong.forwardLabels] {
                    let (status, y, loss) = forward(3)
                    #expect(status == CK_OK)
                    #expect(y.elements.allSatisfy { $0.isFinite })
                    // -log_softmax of the wrong class is exactly 2e4 in both rows.
                    #expect(loss == 2e4, "loss \(loss) on \(isa.name)")
                }
                for forward in [right.forwardOneHot, right.forwardLabels] {
                    #expect(forward(3).loss == 0, "loss \(forward(3).loss) on \(isa.name)")
                }
            }
        }

        @Test("Zero rows give loss 0 and write nothing else")
        func zeroRows() throws {
            try forEachSupportedISA { isa in
                var loss = sentinel
                #expect(ck_softmax_cross_entropy_forward(0, 10, nil, 10, nil, 10, nil, 10, &loss) == CK_OK)
                #expect(loss == 0, "one-hot, \(isa.name)")
                loss = sentinel
                #expect(ck_softmax_cross_entropy_forward_labels(0, 10, nil, 10, nil, nil, 10, &loss) == CK_OK)
                #expect(loss == 0, "labels, \(isa.name)")
            }
        }

        @Test("y may alias x when ldy == ldx: same y and the same loss as out of place")
        func inPlaceForward() throws {
            var rng = SeededGenerator(seed: 33)
            let problem = CrossEntropyCase(m: 5, n: 10, using: &rng)
            try forEachSupportedISA { isa in
                for labelForm in [false, true] {
                    let expected = labelForm ? problem.forwardLabels(ldy: problem.x.ld) : problem.forwardOneHot(ldy: problem.x.ld)
                    var xy = problem.x
                    var loss = sentinel
                    let status = xy.storage.withUnsafeMutableBufferPointer { p in
                        labelForm
                            ? ck_softmax_cross_entropy_forward_labels(5, 10, p.baseAddress, xy.ld, problem.labels,
                                                                      p.baseAddress, xy.ld, &loss)
                            : ck_softmax_cross_entropy_forward(5, 10, p.baseAddress, xy.ld, problem.targets.storage,
                                                               problem.targets.ld, p.baseAddress, xy.ld, &loss)
                    }
                    let what = "in-place \(labelForm ? "labels" : "one-hot") forward on \(isa.name)"
                    #expect(status == CK_OK)
                    expectSameBits(xy.elements, expected.y.elements, "y, \(what)")
                    #expect(loss == expected.loss, "loss, \(what): \(loss) in place vs \(expected.loss) out of place")
                }
            }
        }

        @Test("Short rows (n <= 16, in blocks of 16): y and the loss have the scalar ISA's bits on every ISA",
              arguments: [1, 15, 16, 17, 33, 100])
        func shortRowsMatchScalar(m: Int) throws {
            var rng = SeededGenerator(seed: UInt64(60 + m))
            for n in 1...16 {
                for finiteOnly in [true, false] {
                    let x = mixedLogits(rows: m, columns: n, padding: n % 3, finiteOnly: finiteOnly, using: &rng)
                    let problem = CrossEntropyCase(x: x, labels: (0..<m).map { _ in Int32(rng.int(in: 0...(n - 1))) })
                    var scalar: (oneHot: (y: [Float], loss: Float), labels: (y: [Float], loss: Float))?
                    try forEachSupportedISA { isa in
                        let what = "\(m)x\(n)\(finiteOnly ? " finite" : " with NaN and Inf rows") on \(isa.name)"
                        let oneHot = problem.forwardOneHot(ldy: n + 2), labels = problem.forwardLabels(ldy: n)
                        #expect(oneHot.status == CK_OK && labels.status == CK_OK, "\(what)")
                        #expect(oneHot.y.paddingIsIntact, "\(what) wrote into y's padding")
                        if finiteOnly {
                            #expect(oneHot.loss.isFinite, "loss \(oneHot.loss), \(what)")
                        }
                        if let scalar {
                            expectSameBits(oneHot.y.elements, scalar.oneHot.y, "one-hot y, \(what) vs scalar")
                            expectSameBits([oneHot.loss], [scalar.oneHot.loss], "one-hot loss, \(what) vs scalar")
                            expectSameBits(labels.y.elements, scalar.labels.y, "labels y, \(what) vs scalar")
                            expectSameBits([labels.loss], [scalar.labels.loss], "labels loss, \(what) vs scalar")
                        } else {
                            scalar = ((oneHot.y.elements, oneHot.loss), (labels.y.elements, labels.loss))
                        }
                    }
                }
            }
        }

        @Test("Backward is (y - t) / m for one-hot targets and labels, with padded leading dimensions")
        func backward() throws {
            var rng = SeededGenerator(seed: 34)
            for (m, n) in Self.shapes {
                let problem = CrossEntropyCase(m: m, n: n, using: &rng)
                let y = StridedMatrix(rows: m, columns: n, padding: 3, range: 0...1, using: &rng)
                let expected = (0..<m).flatMap { i in
                    (0..<n).map { j in (Double(y[i, j]) - Double(problem.targets[i, j])) / Double(m) }
                }
                try forEachSupportedISA { isa in
                    var oneHot = StridedMatrix(rows: m, columns: n, ld: n + 2) { _, _ in sentinel }
                    var labels = StridedMatrix(rows: m, columns: n, ld: n + 1) { _, _ in sentinel }
                    #expect(ck_softmax_cross_entropy_backward(m, n, y.storage, y.ld, problem.targets.storage,
                                                              problem.targets.ld, &oneHot.storage, oneHot.ld) == CK_OK)
                    #expect(ck_softmax_cross_entropy_backward_labels(m, n, y.storage, y.ld, problem.labels,
                                                                     &labels.storage, labels.ld) == CK_OK)
                    let what = "backward \(m)x\(n) on \(isa.name)"
                    #expect(oneHot.paddingIsIntact && labels.paddingIsIntact, "\(what) wrote into dx's padding")
                    // One subtraction and one scaling: two roundings.
                    expectClose(oneHot.elements, expected, relative: 3e-7, absolute: 1e-38, "one-hot \(what)")
                    expectSameBits(labels.elements, oneHot.elements, "labels vs one-hot \(what)")
                }
            }
        }

        @Test("Backward: dx may alias y when lddx == ldy")
        func inPlaceBackward() throws {
            var rng = SeededGenerator(seed: 35)
            let problem = CrossEntropyCase(m: 6, n: 9, using: &rng)
            let y = StridedMatrix(rows: 6, columns: 9, padding: 2, range: 0...1, using: &rng)
            try forEachSupportedISA { isa in
                var expected = StridedMatrix(rows: 6, columns: 9, ld: 9) { _, _ in 0 }
                #expect(ck_softmax_cross_entropy_backward_labels(6, 9, y.storage, y.ld, problem.labels,
                                                                 &expected.storage, 9) == CK_OK)
                var oneHot = y, labels = y
                oneHot.storage.withUnsafeMutableBufferPointer { p in
                    _ = ck_softmax_cross_entropy_backward(6, 9, p.baseAddress, y.ld, problem.targets.storage,
                                                          problem.targets.ld, p.baseAddress, y.ld)
                }
                labels.storage.withUnsafeMutableBufferPointer { p in
                    _ = ck_softmax_cross_entropy_backward_labels(6, 9, p.baseAddress, y.ld, problem.labels, p.baseAddress, y.ld)
                }
                expectSameBits(oneHot.elements, expected.elements, "in-place one-hot backward on \(isa.name)")
                expectSameBits(labels.elements, expected.elements, "in-place labels backward on \(isa.name)")
                #expect(oneHot.paddingIsIntact && labels.paddingIsIntact)
            }
        }

        @Test("FastBackend matches ReferenceBackend<Float> for the loss, the probabilities and the gradient")
        func fastMatchesReferenceBackend() throws {
            var rng = SeededGenerator(seed: 36)
            let x = Tensor(shape: [50, 10], scalars: rng.floats(500, in: -15...15))
            let labels = (0..<50).map { _ in Int32(rng.int(in: 0...9)) }
            let oneHot = Tensor<Float>(shape: [50, 10], scalars: (0..<500).map { $0 % 10 == Int(labels[$0 / 10]) ? 1 : 0 })
            let reference = ReferenceBackend<Float>()
            for targets in [Targets<Float>.labels(labels), .oneHot(oneHot)] {
                var expectedY = Tensor<Float>(shape: []), expectedDx = Tensor<Float>(shape: [])
                let expectedLoss = reference.softmaxCrossEntropy(x, targets: targets, into: &expectedY)
                reference.softmaxCrossEntropyBackward(output: expectedY, targets: targets, into: &expectedDx)
                try forEachSupportedISA { isa in
                    var y = Tensor<Float>(shape: []), dx = Tensor<Float>(shape: [])
                    let loss = FastBackend().softmaxCrossEntropy(x, targets: targets, into: &y)
                    FastBackend().softmaxCrossEntropyBackward(output: y, targets: targets, into: &dx)
                    #expect(loss.isApproximatelyEqual(to: expectedLoss, relativeTolerance: 1e-5),
                            "loss \(loss) vs \(expectedLoss) on \(isa.name)")
                    expectClose(y.scalars, expectedY.scalars.map(Double.init), relative: 1e-5, absolute: 1e-37,
                                "FastBackend y on \(isa.name)")
                    // dx = (y - t) / m cancels where y is near t: its error is y's, 1e-5 of a
                    // probability <= 1, divided by m — not a fraction of the small difference.
                    expectClose(dx.scalars, expectedDx.scalars.map(Double.init), relative: 1e-5,
                                absolute: 1e-5 / Double(x.rows), "FastBackend dx on \(isa.name)")
                }
            }
        }
    }
}
