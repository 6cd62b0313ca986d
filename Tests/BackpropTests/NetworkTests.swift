import Backprop
import Numerics
import Testing
import TestSupport

@Suite("Networks (book 5.7, 6.1)")
struct NetworkTests {
    @Test("TwoLayerNet has the book's layers and parameters W1 b1 W2 b2")
    func twoLayerNetStructure() {
        let network = TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, backend: FastBackend(), seed: 1)
        #expect(network.parameters.map(\.name) == ["W1", "b1", "W2", "b2"])
        #expect(network.parameters.map(\.tensor.shape) == [[784, 50], [50], [50, 10], [10]])
        #expect(network.layers.count == 3)
        #expect(network.layers[0] is Affine<FastBackend>)
        #expect(network.layers[1] is Relu<FastBackend>)
        #expect(network.layers[2] is Affine<FastBackend>)
    }

    @Test("MultiLayerNet of any depth names its parameters W1 b1 … Wn bn")
    func multiLayerNetStructure() {
        let network = MultiLayerNet(inputSize: 6, hiddenSizes: [5, 4, 3], outputSize: 2, activation: .sigmoid,
                                    weightInitialization: .xavier, backend: ReferenceBackend<Double>(), seed: 1)
        #expect(network.parameters.map(\.name) == ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"])
        #expect(network.parameters.map(\.tensor.shape) == [[6, 5], [5], [5, 4], [4], [4, 3], [3], [3, 2], [2]])
        #expect(network.layers.count == 7)
        #expect(network.layers.enumerated().allSatisfy { index, layer in
            index.isMultiple(of: 2) ? layer is Affine<ReferenceBackend<Double>> : layer is Sigmoid<ReferenceBackend<Double>>
        })
    }

    func standardDeviation(_ tensor: Tensor<Float>) -> Double {
        let values = tensor.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    @Test("He, Xavier and fixed initializations give the book's standard deviations; biases start at 0")
    func weightInitialization() throws {
        let cases: [(WeightInitialization, Double)] = [(.he, (2.0 / 400).squareRoot()),
                                                       (.xavier, (1.0 / 400).squareRoot()),
                                                       (.standardDeviation(0.01), 0.01)]
        for (initialization, expected) in cases {
            let network = MultiLayerNet(inputSize: 400, hiddenSizes: [300], outputSize: 10,
                                        weightInitialization: initialization, backend: FastBackend(), seed: 3)
            let weights = try #require(network.parameters.first { $0.name == "W1" }).tensor
            // 120000 samples: the sample deviation is within 1% of the true one with overwhelming probability.
            #expect(standardDeviation(weights).isApproximatelyEqual(to: expected, relativeTolerance: 0.01))
            #expect(network.parameters.filter { $0.name.hasPrefix("b") }.allSatisfy { $0.tensor.scalars.allSatisfy { $0 == 0 } })
        }
    }

    @Test("The seed determines the initial weights")
    func seededInitialization() {
        func weights(seed: UInt64) -> [Tensor<Float>] {
            MultiLayerNet(inputSize: 5, hiddenSizes: [4], outputSize: 3, backend: FastBackend(), seed: seed)
                .parameters.map(\.tensor)
        }
        #expect(weights(seed: 9) == weights(seed: 9))
        #expect(weights(seed: 9) != weights(seed: 10))
    }

    @Test("Parameters loaded by name reproduce the other network's predictions")
    func loadParameters() throws {
        let backend = ReferenceBackend<Double>()
        let source = MultiLayerNet(inputSize: 4, hiddenSizes: [3], outputSize: 2, backend: backend, seed: 1)
        let copy = MultiLayerNet(inputSize: 4, hiddenSizes: [3], outputSize: 2, backend: backend, seed: 2)
        let x: Tensor<Double> = randomTensor(shape: [5, 4], seed: 3)
        #expect(copy.predict(x) != source.predict(x))
        try copy.load(state: source.parameters.reversed())
        #expect(copy.predict(x) == source.predict(x))
    }

    @Test("Loading rejects missing, unexpected, duplicate and misshapen parameters and changes nothing")
    func loadRejectsBadSets() {
        let network = TwoLayerNet(inputSize: 3, hiddenSize: 2, outputSize: 2, backend: FastBackend(), seed: 1)
        let original = network.parameters
        let good = original
        func attempt(_ parameters: [(name: String, tensor: Tensor<Float>)]) -> NetworkParameterError? {
            do {
                try network.load(state: parameters)
                return nil
            } catch {
                return error
            }
        }
        #expect(attempt(Array(good.dropLast())) == .missing(name: "b2"))
        #expect(attempt(good + [("W3", Tensor(shape: [2, 2]))]) == .unexpected(name: "W3"))
        #expect(attempt(good + [good[0]]) == .duplicate(name: "W1"))
        var misshapen = good
        misshapen[1].tensor = Tensor(shape: [1, 2])
        #expect(attempt(misshapen) == .shapeMismatch(name: "b1", expected: [2], actual: [1, 2]))
        #expect(network.parameters.map(\.tensor) == original.map(\.tensor))
    }

    func checkFusedForward<Backend: KernelBackend>(_ backend: Backend) {
        let network = MultiLayerNet(inputSize: 7, hiddenSizes: [6, 5], outputSize: 3, backend: backend, seed: 4)
        let x: Tensor<Backend.Scalar> = randomTensor(shape: [9, 7], seed: 5)
        var y = x
        for layer in network.layers {
            y = layer.forward(y, training: false)
        }
        #expect(network.predict(x) == y)
    }

    @Test("The fused Affine+ReLU forward pass is bitwise the layer-by-layer one")
    func fusedForwardMatchesLayers() {
        checkFusedForward(FastBackend())
        checkFusedForward(ReferenceBackend<Double>())
    }

    @Test("Accuracy counts rows whose largest score is at the label, the same in any chunk size")
    func accuracyInChunks() {
        let network = MultiLayerNet(inputSize: 5, hiddenSizes: [8], outputSize: 4, backend: FastBackend(), seed: 6)
        let x: Tensor<Float> = randomTensor(shape: [50, 5], seed: 7)
        let labels = (0..<50).map { Int32($0 % 4) }
        let scores = network.predict(x)
        let correct = (0..<50).filter { row in
            let best = (0..<4).max { scores[row, $0] < scores[row, $1] }!
            return best == row % 4
        }.count
        let expected = Double(correct) / 50
        #expect(correct > 0 && correct < 50)
        #expect(network.accuracy(x, labels: labels) == expected)
        #expect(network.accuracy(x, labels: labels, chunkSize: 7) == expected)
        #expect(network.accuracy(x, labels: labels, chunkSize: 1) == expected)
    }

    @Test("loss is the cross-entropy of the softmax of predict")
    func lossOfPrediction() {
        let backend = ReferenceBackend<Double>()
        let network = MultiLayerNet(inputSize: 3, hiddenSizes: [4], outputSize: 3, activation: .sigmoid,
                                    backend: backend, seed: 8)
        let x: Tensor<Double> = randomTensor(shape: [4, 3], seed: 9)
        let labels: [Int32] = [0, 2, 1, 2]
        let scores = network.predict(x)
        var expected = 0.0
        for row in 0..<4 {
            let logSum = Double.log((0..<3).reduce(0) { $0 + Double.exp(scores[row, $1]) })
            expected += logSum - scores[row, Int(labels[row])]
        }
        expected /= 4
        #expect(network.loss(x, targets: .labels(labels)).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14))
        #expect(network.backpropagate(x, targets: .labels(labels)) == network.loss(x, targets: .labels(labels)))
    }
}
