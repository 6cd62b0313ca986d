import Backprop
import Testing
import TestSupport

@Suite("Gradient check: backpropagation against numerical differentiation (book 5.7.3)")
struct GradientCheckTests {
    /// Three MNIST-like samples: features in [0, 1), like normalized pixels. (At the book's
    /// input scale the central difference's truncation error, about h² times the loss's third
    /// derivative, stays far below 1e-8; inputs ten times larger push it above for a deep
    /// He-initialized network.)
    let data = unitIntervalDataset(count: 3, features: 12, classes: 4, seed: 11)

    @Test("In Double every mean difference is below 1e-8, for ReLU and sigmoid networks of depth 1 to 3")
    func referenceDouble() {
        let backend = ReferenceBackend<Double>()
        let networks = [
            TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, backend: backend, seed: 1),
            TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, weightInitStd: 0.5, backend: backend, seed: 2),
            MultiLayerNet(inputSize: 12, hiddenSizes: [8, 6], outputSize: 4, activation: .relu,
                          weightInitialization: .he, backend: backend, seed: 3),
            MultiLayerNet(inputSize: 12, hiddenSizes: [8, 6], outputSize: 4, activation: .sigmoid,
                          weightInitialization: .xavier, backend: backend, seed: 4),
            // No hidden layer: softmax regression, where the first affine layer is also the last.
            MultiLayerNet(inputSize: 12, hiddenSizes: [], outputSize: 4, backend: backend, seed: 5),
        ]
        for network in networks {
            let check = GradientCheck(network: network, dataset: data)
            #expect(check.differences.map(\.name) == network.parameters.map(\.name))
            for (name, difference) in check.differences {
                #expect(difference < 1e-8, "\(name): \(difference)")
            }
        }
    }

    @Test("The check leaves the parameters exactly as they were")
    func parametersRestored() {
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 5, outputSize: 4, backend: FastBackend(), seed: 5)
        let before = network.parameters.map(\.tensor)
        _ = GradientCheck(network: network, dataset: data)
        #expect(network.parameters.map(\.tensor) == before)
    }

    @Test("A wrong backward pass is caught: the check is not vacuous")
    func detectsWrongGradient() {
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, weightInitStd: 0.5,
                                  backend: ReferenceBackend<Double>(), seed: 2)
        let samples = data.prefix(3)
        let inputs = Tensor<Double>(samples.inputs)
        let numerical = network.numericalGradient(inputs, targets: .labels(samples.labels))
        // One-hot targets for a different class than the labels give a different gradient.
        var wrongTargets = Tensor<Double>(shape: [3, 4])
        for row in 0..<3 { wrongTargets[row, (Int(samples.labels[row]) + 1) % 4] = 1 }
        let wrong = network.gradient(inputs, targets: .oneHot(wrongTargets))
        #expect(maxAbsoluteDifference(wrong[0].tensor, numerical[0].tensor) > 1e-3)
    }

    @Test("In Float (fast backend) every mean difference is below 1e-3")
    func fastFloat() {
        // The numerical gradient, not backpropagation, limits the agreement in Float: the loss
        // (about ln 4 = 1.39 here) is rounded to a multiple of ulp(1.39) = 1.2e-7, so
        // (L(p + h) - L(p - h)) / 2h is quantized in steps of 1.2e-7 / 2e-4 = 6e-4, and each
        // loss carries a few such rounding errors from the GEMMs and the softmax. Measured
        // mean differences with the book's std 0.01: 1.1e-4 to 1.9e-4 for W1, b1, W2, b2
        // (in Double the same network agrees to 1e-10). 1e-3 leaves a margin of 5x over the
        // rounding noise. It catches errors of at least that size; the Double check above is
        // the sharp one, and the numpy comparison holds the fast backend to 1e-4 relative.
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, backend: FastBackend(), seed: 1)
        let check = GradientCheck(network: network, dataset: data)
        for (name, difference) in check.differences {
            #expect(difference < 1e-3, "\(name): \(difference)")
        }
    }

    // MARK: Chapter 6's layers

    /// A stack of layers checked on its own: L = Σ w ⊙ layers(x) with fixed random weights w,
    /// so dL/d(output) = w. Returns the largest |backpropagated - central difference| over dx
    /// and every parameter of every parameterized layer. In Double with h = 1e-6 the central
    /// difference is exact to about h² times L's third derivative plus 1e-16 · |L| / h, near
    /// 1e-10 here.
    func layerCheck(_ layers: [any Layer<ReferenceBackend<Double>>], input x: Tensor<Double>, seed: UInt64) -> Double {
        func forward(_ input: Tensor<Double>) -> Tensor<Double> {
            layers.reduce(input) { $1.forward($0, training: true) }
        }
        let probe = forward(x)
        let weights: Tensor<Double> = randomTensor(shape: probe.shape, seed: seed)
        func loss(_ input: Tensor<Double>) -> Double {
            zip(forward(input).scalars, weights.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        _ = forward(x)
        let dx = layers.reversed().reduce(weights) { $1.backward($0) }
        let parameterized = layers.compactMap { $0 as? any ParameterizedLayer<ReferenceBackend<Double>> }
        let analytic = parameterized.map { layer in (0..<layer.parameterStems.count).map { layer.gradient(ofParameter: $0) } }
        let h = 1e-6
        var worst = 0.0
        for k in 0..<x.count {
            var plus = x, minus = x
            plus[flat: k] += h
            minus[flat: k] -= h
            worst = max(worst, abs((loss(plus) - loss(minus)) / (2 * h) - dx[flat: k]))
        }
        for (layer, gradients) in zip(parameterized, analytic) {
            for (index, gradient) in gradients.enumerated() {
                for k in 0..<gradient.count {
                    layer.updateParameter(index) { value, _ in value[flat: k] += h }
                    let up = loss(x)
                    layer.updateParameter(index) { value, _ in value[flat: k] -= 2 * h }
                    let down = loss(x)
                    layer.updateParameter(index) { value, _ in value[flat: k] += h }
                    worst = max(worst, abs((up - down) / (2 * h) - gradient[flat: k]))
                }
            }
        }
        return worst
    }

    @Test("Tanh, batch normalization (batch 2 and 5) and dropout with a frozen mask agree with the central difference to 1e-8")
    func chapter6Layers() {
        let backend = ReferenceBackend<Double>()
        let x: Tensor<Double> = randomTensor(shape: [5, 4], seed: 21)
        #expect(layerCheck([Tanh(backend: backend)], input: x, seed: 22) < 1e-8)
        // γ and β away from 1 and 0, so that their gradients are not special.
        func batchNorm() -> BatchNormalization<ReferenceBackend<Double>> {
            BatchNormalization(gamma: randomTensor(shape: [4], seed: 23), beta: randomTensor(shape: [4], seed: 24),
                               runningMean: Tensor(shape: [4]), runningVariance: Tensor(shape: [4], repeating: 1),
                               backend: backend)
        }
        // Batch 2 is the smallest that is not degenerate (see BatchNormalization's documentation).
        let pair = Tensor(shape: [2, 4], scalars: Array(x.scalars.prefix(8)))
        #expect(layerCheck([batchNorm()], input: pair, seed: 25) < 1e-8)
        #expect(layerCheck([batchNorm()], input: x, seed: 26) < 1e-8)
        for style in Dropout<ReferenceBackend<Double>>.Style.allCases {
            let dropout = Dropout(ratio: 0.4, style: style, seed: 27, backend: backend)
            dropout.isMaskFrozen = true
            #expect(layerCheck([dropout], input: x, seed: 28) < 1e-8, "\(style)")
            #expect(dropout.mask.contains(0) && dropout.mask.contains(1), "the mask drops some elements and keeps others")
        }
    }

    @Test("Affine, batch normalization, tanh and dropout (frozen mask) in one stack agree with the central difference to 1e-8")
    func chapter6Stack() {
        let backend = ReferenceBackend<Double>()
        let dropout = Dropout(ratio: 0.3, seed: 31, backend: backend)
        dropout.isMaskFrozen = true
        let layers: [any Layer<ReferenceBackend<Double>>] = [
            Affine(weights: randomTensor(shape: [4, 6], standardDeviation: 0.5, seed: 32),
                   bias: randomTensor(shape: [6], standardDeviation: 0.1, seed: 33), backend: backend),
            BatchNormalization(featureCount: 6, backend: backend),
            Tanh(backend: backend),
            dropout,
            Affine(weights: randomTensor(shape: [6, 3], standardDeviation: 0.5, seed: 34),
                   bias: randomTensor(shape: [3], standardDeviation: 0.1, seed: 35), backend: backend),
        ]
        #expect(layerCheck(layers, input: randomTensor(shape: [4, 4], seed: 36), seed: 37) < 1e-8)
    }

    @Test("A central difference across a ReLU's kink is left out and counted, not reported as a wrong gradient")
    func kinkCrossingsLeftOut() throws {
        let backend = ReferenceBackend<Double>()
        // One hidden unit whose pre-activation is 1e-7: perturbing W1 or b1 by h = 1e-6 moves it
        // across 0, where the difference quotient is half the slope, not a derivative.
        let layers: [any Layer<ReferenceBackend<Double>>] = [
            Affine(weights: Tensor(shape: [1, 1], scalars: [0.5]), bias: Tensor(shape: [1], scalars: [-0.5 + 1e-7]),
                   backend: backend),
            Relu(backend: backend),
            Affine(weights: Tensor(shape: [1, 2], scalars: [1, -1]), bias: Tensor(shape: [2]), backend: backend),
        ]
        let network = MultiLayerNet(layers: layers, loss: SoftmaxWithLoss(backend: backend), backend: backend)
        let check = GradientCheck(network: network, inputs: Tensor(shape: [1, 1], scalars: [1]), targets: .labels([0]))
        #expect(check.kinkCrossings.map(\.name) == ["W1", "b1", "W2", "b2"])
        #expect(check.kinkCrossings.map(\.count) == [1, 1, 0, 0])
        #expect(check.totalKinkCrossings == 2)
        #expect(check.largestDifference < 1e-8, "\(check.differences)")
        // Without leaving them out the check would fail: the quotient for b1 is about half the gradient.
        let numerical = network.numericalGradient(Tensor(shape: [1, 1], scalars: [1]), targets: .labels([0]))
        let backpropagated = network.gradient(Tensor(shape: [1, 1], scalars: [1]), targets: .labels([0]))
        let b1 = (numerical[1].tensor[flat: 0], backpropagated[1].tensor[flat: 0])
        #expect(abs(b1.0 - b1.1) > 0.1 * abs(b1.1), "\(b1)")
    }
}
