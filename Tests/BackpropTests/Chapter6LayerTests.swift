import Backprop
import Numerics
import Testing
import TestSupport

@Suite("Layers of chapter 6: tanh, batch normalization, dropout")
struct Chapter6LayerTests {
    // MARK: Tanh

    func checkTanh<Backend: KernelBackend>(_ backend: Backend, tolerance: Double) {
        let tanh = Tanh(backend: backend)
        let y = tanh.forward(Tensor<Backend.Scalar>([[0, 1, -2]]), training: true)
        let expected = [0, 0.7615941559557649, -0.9640275800758169]
        for (value, reference) in zip(y.scalars, expected) {
            #expect(abs(Double(value) - reference) <= tolerance * max(abs(reference), 1e-300), "\(value) vs \(reference)")
        }
        let dx = tanh.backward(Tensor([[1, 2, 3]]))
        for (i, reference) in expected.enumerated() {
            let derivative = Double(i + 1) * (1 - reference * reference)
            #expect(Double(dx.scalars[i]).isApproximatelyEqual(to: derivative, relativeTolerance: tolerance * 10))
        }
    }

    @Test("Tanh's backward is dout * (1 - y²) from its own output")
    func tanh() {
        checkTanh(FastBackend(), tolerance: 2e-7)
        checkTanh(ReferenceBackend<Double>(), tolerance: 1e-15)
    }

    // MARK: Batch normalization

    @Test("Defaults: gamma ones, beta zeros, running statistics zeros, momentum 0.9, the book's epsilon 1e-6")
    func batchNormDefaults() {
        let layer = BatchNormalization(featureCount: 3, backend: FastBackend())
        #expect(layer.gamma.scalars == [1, 1, 1] && layer.beta.scalars == [0, 0, 0])
        #expect(layer.runningMean.scalars == [0, 0, 0] && layer.runningVariance.scalars == [0, 0, 0])
        #expect(layer.momentum == 0.9 && layer.epsilon == 1e-6)
        #expect(layer.parameterStems == ["gamma", "beta"] && layer.featureCount == 3)
    }

    @Test("Training normalizes every feature over the batch and moves the running statistics 10 % towards it")
    func batchNormTraining() {
        let backend = ReferenceBackend<Double>()
        let layer = BatchNormalization(featureCount: 2, backend: backend)
        // Feature 0: 1, 2, 3, 6 (mean 3, variance 3.5); feature 1: all 5 (variance 0).
        let x = Tensor<Double>([[1, 5], [2, 5], [3, 5], [6, 5]])
        let y = layer.forward(x, training: true)
        let inverse = 1 / (3.5 + 1e-6).squareRoot()
        let expected = [(1 - 3) * inverse, 0, (2 - 3) * inverse, 0, 0, 0, (6 - 3) * inverse, 0]
        for (value, reference) in zip(y.scalars, expected) {
            #expect(abs(value - reference) < 1e-15)
        }
        #expect(abs(layer.runningMean.scalars[0] - 0.3) < 1e-15 && abs(layer.runningMean.scalars[1] - 0.5) < 1e-15)
        #expect(abs(layer.runningVariance.scalars[0] - 0.35) < 1e-15 && layer.runningVariance.scalars[1] == 0)
        // A second pass keeps 90 % of the running statistics.
        _ = layer.forward(x, training: true)
        #expect(abs(layer.runningMean.scalars[0] - (0.9 * 0.3 + 0.3)) < 1e-15)
    }

    @Test("Inference uses the running statistics, gamma and beta; a batch of one trains to exactly beta")
    func batchNormInference() {
        let layer = BatchNormalization(gamma: Tensor(shape: [2], scalars: [2, 0.5]), beta: Tensor(shape: [2], scalars: [1, -1]),
                                       runningMean: Tensor(shape: [2], scalars: [1, 2]),
                                       runningVariance: Tensor(shape: [2], scalars: [4, 0.25]), epsilon: 0,
                                       backend: ReferenceBackend<Double>())
        let y = layer.forward(Tensor([[3, 3], [1, 1]]), training: false)
        // gamma · (x - mean) / sqrt(variance) + beta: feature 0 is 2 · (x - 1) / 2 + 1, feature 1 is 0.5 · (x - 2) / 0.5 - 1.
        let expected: [Double] = [3, 0, 1, -2]
        #expect(y.scalars == expected)
        layer.runningMean = Tensor(shape: [2], scalars: [0, 0])
        let centred: [Double] = [3, 0] // 2 · 2 / 2 + 1 and 0.5 · 1 / 0.5 - 1
        #expect(layer.forward(Tensor([[2, 1]]), training: false).scalars == centred)
        // With epsilon 0 a batch of one would divide 0 by 0; any positive epsilon gives exactly beta.
        layer.epsilon = 1e-6
        let single = layer.forward(Tensor([[7, -3]]), training: true)
        #expect(single.scalars == layer.beta.scalars)
        let dx = layer.backward(Tensor([[0.5, 2]]))
        #expect(dx.scalars == [0, 0] && layer.gammaGradient.scalars == [0, 0] && layer.betaGradient.scalars == [0.5, 2])
    }

    @Test("An input of rank 3 is normalized per flattened feature, and dx comes back in its shape")
    func batchNormRankThree() {
        let backend = ReferenceBackend<Double>()
        let images: Tensor<Double> = randomTensor(shape: [4, 2, 3], seed: 5)
        let layer = BatchNormalization(featureCount: 6, backend: backend)
        let y = layer.forward(images, training: true)
        let dx = layer.backward(Tensor(shape: [4, 2, 3], repeating: 1))
        #expect(y.shape == [4, 2, 3] && dx.shape == [4, 2, 3])
        let flat = BatchNormalization(featureCount: 6, backend: backend)
        #expect(flat.forward(images.reshaped(to: [4, 6]), training: true).scalars == y.scalars)
    }

    @Test("FastBackend and ReferenceBackend<Float> give the same bits through the layer")
    func batchNormBackendsAgree() {
        func run<Backend: KernelBackend>(_ backend: Backend) -> [[Float]] where Backend.Scalar == Float {
            let layer = BatchNormalization(featureCount: 5, backend: backend)
            let x: Tensor<Float> = randomTensor(shape: [8, 5], standardDeviation: 3, seed: 6)
            let y = layer.forward(x, training: true).scalars
            let dx = layer.backward(randomTensor(shape: [8, 5], seed: 7)).scalars
            let inference = layer.forward(x, training: false).scalars
            return [y, dx, inference, layer.gammaGradient.scalars, layer.betaGradient.scalars,
                    layer.runningMean.scalars, layer.runningVariance.scalars]
        }
        let (fast, reference) = (run(FastBackend()), run(ReferenceBackend<Float>()))
        for (a, b) in zip(fast, reference) {
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        }
    }

    // MARK: Dropout

    @Test("The book's dropout: training x * mask, inference x * (1 - ratio), backward dout * mask")
    func bookDropout() {
        let layer = Dropout(ratio: 0.25, seed: 3, backend: FastBackend())
        let x = Tensor<Float>(shape: [40, 50], repeating: 2)
        let y = layer.forward(x, training: true)
        #expect(layer.iteration == 1)
        let kept = layer.mask.filter { $0 == 1 }.count
        #expect(abs(Double(kept) / 2000 - 0.75) < 0.05, "kept \(kept) of 2000")
        #expect(y.scalars == layer.mask.map { $0 == 1 ? 2 : 0 })
        #expect(layer.backward(Tensor(shape: [40, 50], repeating: 3)).scalars == layer.mask.map { $0 == 1 ? 3 : 0 })
        #expect(layer.forward(x, training: false).scalars.allSatisfy { $0 == 1.5 })
        // The next training pass draws a new mask.
        let first = layer.mask
        _ = layer.forward(x, training: true)
        #expect(layer.mask != first && layer.iteration == 2)
    }

    @Test("Inverted dropout: training x * mask / (1 - ratio), inference x unchanged")
    func invertedDropout() {
        let layer = Dropout(ratio: 0.5, style: .inverted, backend: ReferenceBackend<Double>())
        let x = Tensor<Double>(shape: [10, 10], repeating: 3)
        let y = layer.forward(x, training: true)
        #expect(y.scalars == layer.mask.map { $0 == 1 ? 6 : 0 })
        #expect(layer.backward(Tensor(shape: [10, 10], repeating: 1)).scalars == layer.mask.map { $0 == 1 ? 2 : 0 })
        #expect(layer.forward(x, training: false) == x)
    }

    @Test("Masks: identical on both backends, repeated when frozen, and a shard draws its rows of the batch's mask")
    func dropoutMasks() {
        let fast = Dropout(ratio: 0.3, seed: 9, layerNumber: 2, backend: FastBackend())
        let reference = Dropout(ratio: 0.3, seed: 9, layerNumber: 2, backend: ReferenceBackend<Double>())
        _ = fast.forward(Tensor(shape: [6, 7]), training: true)
        _ = reference.forward(Tensor(shape: [6, 7]), training: true)
        #expect(fast.mask == reference.mask)

        fast.isMaskFrozen = true
        let frozen = fast.mask
        _ = fast.forward(Tensor(shape: [6, 7], repeating: 1), training: true)
        #expect(fast.mask == frozen && fast.iteration == 1)

        let shard = Dropout(ratio: 0.3, seed: 9, layerNumber: 2, backend: FastBackend())
        shard.firstRow = 4
        _ = shard.forward(Tensor(shape: [2, 7]), training: true)
        #expect(shard.mask == Array(frozen[28...]))
    }
}
