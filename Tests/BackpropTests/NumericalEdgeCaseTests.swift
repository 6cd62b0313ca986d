import Backprop
import Numerics
import PropertyBased
import Testing
import TestSupport

/// Extreme and non-finite values through the public layers and networks, on every backend:
/// the fast C core, the reference loops in Float, and the reference loops in Double.
@Suite("Numerical edge cases: huge, infinite and NaN values")
struct NumericalEdgeCaseTests {
    /// One pass of SoftmaxWithLoss, in Double whatever the backend computes in.
    struct SoftmaxPass {
        var loss: Double
        var probabilities: [[Double]]
        var gradient: [[Double]]
    }

    /// SoftmaxWithLoss forward (training) and backward on `logits` against class `labels`.
    func softmaxPass<Backend: KernelBackend>(_ backend: Backend, _ logits: [[Double]], labels: [Int32]) -> SoftmaxPass {
        let layer = SoftmaxWithLoss(backend: backend)
        let x = Tensor<Backend.Scalar>(logits.map { $0.map { Backend.Scalar($0) } })
        let loss = layer.forward(x, targets: .labels(labels))
        let dx = layer.backward()
        func rows(_ t: Tensor<Backend.Scalar>) -> [[Double]] {
            (0..<t.rows).map { i in (0..<t.columns).map { Double(t[i, $0]) } }
        }
        return SoftmaxPass(loss: Double(loss), probabilities: rows(layer.output), gradient: rows(dx))
    }

    /// `value` rounded to the backend's precision, and back.
    func roundedToScalar<Backend: KernelBackend>(of backend: Backend, _ value: Double) -> Double {
        Double(Backend.Scalar(value))
    }

    /// Calls `check` once per backend, with a relative tolerance suited to its precision.
    func forEachBackend(_ check: (any KernelBackend, _ tolerance: Double) throws -> Void) rethrows {
        try check(FastBackend(), 1e-6)
        try check(ReferenceBackend<Float>(), 1e-6)
        try check(ReferenceBackend<Double>(), 1e-14)
    }

    func expectClose(_ actual: [[Double]], _ expected: [[Double]], tolerance: Double, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual.joined(), expected.joined()) {
            let close = a == e || a.isApproximatelyEqual(to: e, absoluteTolerance: tolerance)
            #expect(close, "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Softmax with loss

    @Test("Logits of ±1e4 give exact one-hot probabilities and finite losses")
    func hugeLogits() {
        forEachBackend { backend, tolerance in
            let logits: [[Double]] = [[1e4, -1e4, 0], [1e4, -1e4, 0], [-1e4, -1e4, -1e4]]
            let pass = softmaxPass(backend, logits, labels: [0, 1, 2])
            // Row losses 0, 2e4 (= 1e4 - (-1e4)) and log 3: no exp overflowed, no log(0) was taken.
            let expectedLoss = (0 + 2e4 + Double.log(3)) / 3
            #expect(pass.loss.isApproximatelyEqual(to: expectedLoss, relativeTolerance: tolerance),
                    "\(backend.name): loss \(pass.loss)")
            expectClose(pass.probabilities, [[1, 0, 0], [1, 0, 0], [1.0 / 3, 1.0 / 3, 1.0 / 3]],
                        tolerance: tolerance, "\(backend.name) probabilities")
            expectClose(pass.gradient, [[0, 0, 0], [1.0 / 3, -1.0 / 3, 0], [1.0 / 9, 1.0 / 9, -2.0 / 9]],
                        tolerance: tolerance, "\(backend.name) gradient")
            let farther = softmaxPass(backend, [[1e30, -1e30]], labels: [1])
            #expect(farther.loss.isApproximatelyEqual(to: 2e30, relativeTolerance: tolerance), "\(backend.name)")
            #expect(farther.probabilities == [[1, 0]], "\(backend.name)")
        }
    }

    @Test("At any scale up to 1e30, the loss lies between 0 and mean(max - target) + log n, probabilities sum to 1")
    func lossBoundsAtAnyScale() async {
        await propertyCheck(input: Gen.int(in: 1...6), Gen.int(in: 1...12), Gen.int(in: 0...30), Gen.int(in: 0...1000)) {
            rows, classes, exponent, seed in
            let unit: Tensor<Double> = randomTensor(shape: [rows, classes], seed: UInt64(seed))
            let logits = (0..<rows).map { i in (0..<classes).map { j in unit[i, j] * Double.pow(10, exponent) } }
            let labels = (0..<rows).map { Int32(($0 * 5 + seed) % classes) }
            forEachBackend { backend, tolerance in
                let pass = softmaxPass(backend, logits, labels: labels)
                // Each backend sees the logits rounded to its precision: bound with those.
                let seen = logits.map { $0.map { roundedToScalar(of: backend, $0) } }
                let gap = seen.indices.reduce(0.0) { $0 + seen[$1].max()! - seen[$1][Int(labels[$1])] } / Double(rows)
                let upper = gap + Double.log(Double(classes))
                #expect(pass.loss.isFinite && pass.loss >= 0, "\(backend.name): loss \(pass.loss)")
                #expect(pass.loss <= upper * (1 + tolerance) + tolerance, "\(backend.name): \(pass.loss) > \(upper)")
                for row in pass.probabilities {
                    #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(backend.name): \(row)")
                    #expect(abs(row.reduce(0, +) - 1) < 1e-5, "\(backend.name): \(row)")
                }
            }
        }
    }

    @Test("+Inf logits share the probability evenly; a target elsewhere costs +Inf")
    func positiveInfinity() {
        forEachBackend { backend, tolerance in
            let row: [Double] = [.infinity, 0, .infinity]
            let onInfinity = softmaxPass(backend, [row], labels: [0])
            #expect(onInfinity.probabilities == [[0.5, 0, 0.5]], "\(backend.name)")
            #expect(onInfinity.loss.isApproximatelyEqual(to: Double.log(2), relativeTolerance: tolerance),
                    "\(backend.name): loss \(onInfinity.loss)")
            #expect(onInfinity.gradient == [[-0.5, 0, 0.5]], "\(backend.name)")

            let elsewhere = softmaxPass(backend, [row], labels: [1])
            #expect(elsewhere.loss == .infinity, "\(backend.name): loss \(elsewhere.loss)")
            #expect(elsewhere.gradient == [[0.5, -1, 0.5]], "\(backend.name)")
        }
    }

    @Test("-Inf logits get probability 0; a row of only -Inf has no distribution and is NaN")
    func negativeInfinity() {
        forEachBackend { backend, tolerance in
            let row: [Double] = [-.infinity, 0, 0]
            let finiteTarget = softmaxPass(backend, [row], labels: [1])
            #expect(finiteTarget.probabilities == [[0, 0.5, 0.5]], "\(backend.name)")
            #expect(finiteTarget.loss.isApproximatelyEqual(to: Double.log(2), relativeTolerance: tolerance))
            #expect(softmaxPass(backend, [row], labels: [0]).loss == .infinity, "\(backend.name)")

            let allNegative = softmaxPass(backend, [[-.infinity, -.infinity]], labels: [0])
            #expect(allNegative.loss.isNaN, "\(backend.name): loss \(allNegative.loss)")
            #expect(allNegative.probabilities.joined().allSatisfy { $0.isNaN }, "\(backend.name)")
        }
    }

    @Test("A NaN logit makes its row and the batch loss NaN; other rows are untouched")
    func nanLogits() {
        forEachBackend { backend, _ in
            let clean = softmaxPass(backend, [[1, 2, 3]], labels: [2])
            let pass = softmaxPass(backend, [[1, .nan, 2], [1, 2, 3]], labels: [0, 2])
            #expect(pass.loss.isNaN, "\(backend.name): loss \(pass.loss)")
            #expect(pass.probabilities[0].allSatisfy { $0.isNaN }, "\(backend.name)")
            #expect(pass.gradient[0].allSatisfy { $0.isNaN }, "\(backend.name)")
            #expect(pass.probabilities[1] == clean.probabilities[0], "\(backend.name)")
            // The gradient is divided by the batch size, 2 here and 1 for the clean pass.
            #expect(pass.gradient[1] == clean.gradient[0].map { $0 / 2 }, "\(backend.name)")
        }
    }

    @Test("All-equal logits give the uniform distribution and the loss log(n), at any level")
    func equalLogits() {
        forEachBackend { backend, tolerance in
            for level in [0.0, 7.5, -50, 1e4, -1e4] {
                let pass = softmaxPass(backend, [Array(repeating: level, count: 10)], labels: [3])
                #expect(pass.loss.isApproximatelyEqual(to: Double.log(10), relativeTolerance: tolerance),
                        "\(backend.name) at \(level): loss \(pass.loss)")
                expectClose(pass.probabilities, [Array(repeating: 0.1, count: 10)], tolerance: tolerance,
                            "\(backend.name) at \(level)")
            }
        }
    }

    @Test("One-class rows (n == 1): probability 1, loss 0 and gradient 0 for any finite or +Inf logit")
    func singleClass() {
        forEachBackend { backend, _ in
            let pass = softmaxPass(backend, [[-1e4], [0], [3.5], [1e4], [.infinity]], labels: [0, 0, 0, 0, 0])
            #expect(pass.loss == 0, "\(backend.name): loss \(pass.loss)")
            #expect(pass.probabilities == Array(repeating: [1], count: 5), "\(backend.name)")
            #expect(pass.gradient == Array(repeating: [0], count: 5), "\(backend.name)")
            #expect(softmaxPass(backend, [[.nan]], labels: [0]).loss.isNaN, "\(backend.name)")
        }
    }

    @Test("A one-class network has nothing to learn: zero loss, zero gradients, unchanged weights")
    func singleClassNetwork() throws {
        let network = MultiLayerNet(inputSize: 3, hiddenSizes: [4], outputSize: 1, backend: FastBackend(), seed: 3)
        let before = parameterBits(of: network)
        let data = Dataset(inputs: Tensor([[1, 2, 3], [-1, 0, 5]]), labels: [0, 0], classCount: 1)
        let history = try Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: data,
                                  configuration: TrainingConfiguration(iterations: 5, batchSize: 2)).train()
        #expect(history.losses == Array(repeating: 0, count: 5))
        #expect(network.gradients.allSatisfy { $0.tensor.scalars.allSatisfy { $0 == 0 } })
        #expect(parameterBits(of: network) == before)
        #expect(network.accuracy(data.inputs, labels: data.labels) == 1)
    }

    // MARK: Sigmoid

    @Test("Sigmoid saturates without overflow: exactly 1 at +100, a tiny non-negative number at -100")
    func sigmoidSaturation() {
        func check<Backend: KernelBackend>(_ backend: Backend) {
            let sigmoid = Sigmoid(backend: backend)
            let y = sigmoid.forward(Tensor([[100, -100, .infinity, -.infinity, .nan]]), training: true)
            #expect(y.scalars[0] == 1, "\(backend.name): sigmoid(100) = \(y.scalars[0])")
            // exp(-100) ≈ 3.7e-44: a subnormal Float (or 0 if flushed), a normal Double.
            #expect(y.scalars[1] >= 0 && Double(y.scalars[1]) <= 3.8e-44, "\(backend.name): \(y.scalars[1])")
            #expect(y.scalars[2] == 1 && y.scalars[3] == 0 && y.scalars[4].isNaN, "\(backend.name): \(y.scalars)")
            let dx = sigmoid.backward(Tensor([[1, 1, 1, 1, 1]]))
            #expect(dx.scalars[0] == 0 && dx.scalars[2] == 0 && dx.scalars[3] == 0, "\(backend.name): \(dx.scalars)")
            #expect(dx.scalars[1] >= 0 && Double(dx.scalars[1]) <= 3.8e-44, "\(backend.name): \(dx.scalars[1])")
            #expect(dx.scalars[4].isNaN, "\(backend.name)")
        }
        check(FastBackend())
        check(ReferenceBackend<Float>())
        check(ReferenceBackend<Double>())
    }

    // MARK: Whole networks

    @Test("A NaN input row gives NaN scores in that row only, through ReLU and sigmoid networks",
          arguments: Activation.allCases)
    func nanInputRow(_ activation: Activation) {
        func check<Backend: KernelBackend>(_ backend: Backend) {
            typealias T = Tensor<Backend.Scalar>
            // Two hidden layers: the fused bias + ReLU step runs on the NaN row too.
            let network = MultiLayerNet(inputSize: 6, hiddenSizes: [5, 4], outputSize: 3, activation: activation,
                                        backend: backend, seed: 9)
            let clean: T = randomTensor(shape: [4, 6], seed: 10)
            var poisoned = clean
            poisoned[2, 3] = .nan
            let expected = network.predict(clean)
            let scores = network.predict(poisoned)
            for row in 0..<4 {
                let values = (0..<3).map { scores[row, $0] }
                if row == 2 {
                    #expect(values.allSatisfy { $0.isNaN }, "\(backend.name): row 2 is \(values)")
                } else {
                    // Bitwise: the NaN row cannot have leaked into another row's arithmetic.
                    #expect(values.map { Double($0).bitPattern } == (0..<3).map { Double(expected[row, $0]).bitPattern },
                            "\(backend.name): row \(row)")
                }
            }
            #expect(network.loss(poisoned, targets: .labels([0, 1, 2, 0])).isNaN)
            #expect(!network.loss(clean, targets: .labels([0, 1, 2, 0])).isNaN)
            // Like np.argmax, a row of NaN scores predicts class 0.
            let labels: [Int32] = (0..<4).map { row in
                Int32((0..<3).max { expected[row, $0] < expected[row, $1] }!)
            }
            var asZero = labels, asOne = labels
            asZero[2] = 0
            asOne[2] = 1
            #expect(network.accuracy(poisoned, labels: asZero) == 1)
            #expect(network.accuracy(poisoned, labels: asOne) == 0.75)
        }
        check(FastBackend())
        check(ReferenceBackend<Float>())
        check(ReferenceBackend<Double>())
    }
}
