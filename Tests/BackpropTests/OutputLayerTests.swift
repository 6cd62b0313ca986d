import Backprop
import Foundation
import Testing
import TestSupport

/// The per-sample sigmoid network's forward and backward passes in float64 numpy, written from
/// its own formulas: sigmoid hidden and output units, output delta (y - t) · y · (1 - y) for
/// squared error or y - t for binary cross-entropy, hidden deltas (delta_next · W_nextᵀ) · A · (1 - A).
/// Reads a JSON spec from argv[1] and prints the mean loss and each gradient as JSON.
private let sigmoidOracle = """
import sys, json
import numpy as np
spec = json.load(open(sys.argv[1]))
x = np.array(spec["x"]); t = np.array(spec["t"])
W = [np.array(w) for w in spec["W"]]; b = [np.array(v) for v in spec["b"]]
A = [x]
for i in range(len(W)):
    A.append(1 / (1 + np.exp(-(A[-1] @ W[i] + b[i]))))
y = A[-1]; m = x.shape[0]
if spec["loss"] == "squaredError":
    loss = 0.5 * np.sum((y - t) ** 2) / m
    delta = (y - t) * y * (1 - y) / m
else:
    loss = -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)) / m
    delta = (y - t) / m
grads = {}
for i in range(len(W) - 1, -1, -1):
    grads["W%d" % (i + 1)] = (A[i].T @ delta).tolist()
    grads["b%d" % (i + 1)] = delta.sum(axis=0).tolist()
    if i > 0:
        delta = (delta @ W[i].T) * A[i] * (1 - A[i])
print(json.dumps({"loss": loss, "grads": grads}))
"""

@Suite("Output layers and their losses")
struct OutputLayerTests {
    let data = unitIntervalDataset(count: 4, features: 9, classes: 5, seed: 31)

    static let sigmoidPairs: [OutputLayer] = [.sigmoid(.squaredError), .sigmoid(.binaryCrossEntropy)]

    @Test("Each output/loss pair passes the gradient check in Double (< 1e-8), with class, smoothed and real-valued targets",
          arguments: [OutputLayer.softmaxCrossEntropy] + sigmoidPairs)
    func gradientCheck(output: OutputLayer) {
        let backend = ReferenceBackend<Double>()
        let smoothing: [ClosedRange<Double>] = output == .softmaxCrossEntropy ? [0...1] : [0...1, 0.01...0.99]
        for (index, classTargets) in smoothing.enumerated() {
            for activation in Activation.allCases {
                let network = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, activation: activation,
                                            weightInitialization: .he, biasInitialization: .uniform, output: output,
                                            classTargets: classTargets, backend: backend, seed: UInt64(40 + index))
                let check = GradientCheck(network: network, dataset: data, sampleCount: 4)
                #expect(check.differences.count == 4)
                for (name, difference) in check.differences {
                    #expect(difference < 1e-8, "\(output) \(activation) \(classTargets) \(name): \(difference)")
                }
            }
        }
        // Real-valued targets, as given (regression-style rows in [0, 1]).
        let network = MultiLayerNet(inputSize: 9, hiddenSizes: [6], outputSize: 5, activation: .sigmoid,
                                    output: output, backend: backend, seed: 44)
        var generator = SeededGenerator(seed: 45)
        var values = Tensor<Double>(shape: [4, 5])
        for i in 0..<values.count { values[flat: i] = Double.random(in: 0..<1, using: &generator) }
        if output == .softmaxCrossEntropy {
            for row in 0..<4 {  // a distribution per row
                let sum = (0..<5).reduce(0.0) { $0 + values[row, $1] }
                for column in 0..<5 { values[row, column] /= sum }
            }
        }
        let check = GradientCheck(network: network, inputs: Tensor<Double>(data.inputs), targets: .values(values))
        #expect(check.largestDifference < 1e-8, "\(output) with real-valued targets: \(check.differences)")
    }

    @Test("Sigmoid losses and gradients agree with the per-sample network's numpy formulas: reference Double to 1e-12, fast Float to 1e-5",
          .enabled(if: Python.hasNumPy, "python3 with numpy is not installed"),
          arguments: sigmoidPairs)
    func agreesWithNumpy(output: OutputLayer) throws {
        guard case .sigmoid(let loss) = output else { return }
        let fast = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, activation: .sigmoid,
                                 weightInitialization: .he, biasInitialization: .uniform, output: output,
                                 classTargets: 0.01...0.99, backend: FastBackend(), seed: 50)
        let reference = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, activation: .sigmoid,
                                      output: output, classTargets: 0.01...0.99, backend: ReferenceBackend<Double>(), seed: 0)
        try reference.load(state: fast.parameters.map { ($0.name, Tensor<Double>($0.tensor)) })

        var targets = Tensor<Double>(shape: [4, 5])
        for row in 0..<4 {
            for column in 0..<5 { targets[row, column] = column == Int(data.labels[row]) ? 0.99 : 0.01 }
        }
        let parameters = reference.parameters
        func rows(_ t: Tensor<Double>) -> [[Double]] {
            t.rank == 1 ? [t.scalars] : (0..<t.rows).map { r in (0..<t.columns).map { t[r, $0] } }
        }
        let spec: [String: Any] = [
            "loss": loss.rawValue, "x": rows(Tensor<Double>(data.inputs)), "t": rows(targets),
            "W": parameters.filter { $0.name.hasPrefix("W") }.map { rows($0.tensor) },
            "b": parameters.filter { $0.name.hasPrefix("b") }.map { $0.tensor.scalars },
        ]
        let specURL = FileManager.default.temporaryDirectory.appendingPathComponent("sigmoid-oracle-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        defer { try? FileManager.default.removeItem(at: specURL) }
        let (status, output) = try Python.run(sigmoidOracle, arguments: [specURL.path])
        try #require(status == 0, "numpy oracle failed: \(output)")
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let oracleLoss = try #require(oracle["loss"] as? Double)
        let oracleGradients = try #require(oracle["grads"] as? [String: Any])
        func expected(_ name: String, shape: [Int]) throws -> Tensor<Double> {
            let value = try #require(oracleGradients[name])
            let flat = (value as? [[Double]])?.flatMap { $0 } ?? (value as? [Double]) ?? []
            return Tensor(shape: shape, scalars: flat)
        }

        // Class-index targets, smoothed by the layer, against the oracle's explicit 0.01/0.99 rows.
        let referenceLoss = reference.backpropagate(Tensor<Double>(data.inputs), targets: .labels(data.labels))
        #expect(abs(referenceLoss - oracleLoss) / oracleLoss < 1e-12)
        for (name, gradient) in reference.gradients {
            #expect(relativeDifference(gradient, reference: try expected(name, shape: gradient.shape)) < 1e-12, "reference \(name)")
        }
        let fastLoss = fast.backpropagate(data.inputs, targets: .labels(data.labels))
        #expect(abs(Double(fastLoss) - oracleLoss) / oracleLoss < 1e-5)
        for (name, gradient) in fast.gradients {
            #expect(relativeDifference(gradient, reference: try expected(name, shape: gradient.shape)) < 1e-5, "fast \(name)")
        }
    }

    @Test("Binary cross-entropy stays finite for saturated outputs, where log(y) of the rounded sigmoid would be -inf")
    func saturatedBinaryCrossEntropy() {
        let scores = Tensor<Float>(shape: [2, 2], scalars: [120, -120, -90, 90])
        let targets = Tensor<Float>(shape: [2, 2], scalars: [0, 1, 1, 0])
        var output = Tensor<Float>(shape: [0])
        let fast = FastBackend().sigmoidLoss(.binaryCrossEntropy, scores, targets: targets, into: &output)
        // Each row has two outputs wrong by |x|: softplus(|x|) = |x| each, (240 + 180) / 2 per row.
        #expect(fast == 210)
        var referenceOutput = Tensor<Double>(shape: [0])
        let reference = ReferenceBackend<Double>().sigmoidLoss(.binaryCrossEntropy, Tensor<Double>(scores),
                                                               targets: Tensor<Double>(targets), into: &referenceOutput)
        #expect(abs(reference - 210) < 1e-12)
        #expect(output.scalars == [1, 0, 0, 1])
    }

    @Test("The pairs that make sense are built; the others are refused with a one-line reason")
    func pairs() throws {
        #expect(try OutputLayer(activation: .softmax, loss: nil) == .softmaxCrossEntropy)
        #expect(try OutputLayer(activation: .softmax, loss: .crossEntropy) == .softmaxCrossEntropy)
        #expect(try OutputLayer(activation: .sigmoid, loss: nil) == .sigmoid(.squaredError))
        #expect(try OutputLayer(activation: .sigmoid, loss: .meanSquaredError) == .sigmoid(.squaredError))
        #expect(try OutputLayer(activation: .sigmoid, loss: .binaryCrossEntropy) == .sigmoid(.binaryCrossEntropy))
        for (activation, loss, mentions) in [(OutputLayer.Activation.softmax, OutputLayer.LossFunction.meanSquaredError, "--output sigmoid"),
                                             (.softmax, .binaryCrossEntropy, "share one distribution"),
                                             (.sigmoid, .crossEntropy, "sum to 1")] {
            do {
                _ = try OutputLayer(activation: activation, loss: loss)
                Issue.record("\(activation) with \(loss) was accepted")
            } catch {
                #expect(error.description.contains(mentions))
                #expect(!error.description.contains("\n"))
            }
        }
        for output in [OutputLayer.softmaxCrossEntropy] + Self.sigmoidPairs {
            #expect(try OutputLayer(activation: output.activation, loss: output.lossFunction) == output)
        }
    }

    @Test("Probabilities are the loss layer's activation: softmax rows sum to 1, sigmoid outputs are sigmoid(scores)")
    func outputs() {
        let x = data.inputs
        let softmax = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, backend: FastBackend(), seed: 60)
        let probabilities = softmax.probabilities(x)
        for row in 0..<4 {
            #expect(abs((0..<5).reduce(Float(0)) { $0 + probabilities[row, $1] } - 1) < 1e-6)
        }
        let sigmoid = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, output: .sigmoid(.squaredError),
                                    backend: FastBackend(), seed: 60)
        let scores = sigmoid.predict(x)
        let values = sigmoid.probabilities(x)
        for i in 0..<values.count {
            #expect(abs(values[flat: i] - 1 / (1 + exp(-scores[flat: i]))) < 1e-6)
        }
        #expect(sigmoid.output == .sigmoid(.squaredError))
        #expect(softmax.output == .softmaxCrossEntropy)
    }

    @Test("Uniform biases lie in [0, 1) and are drawn after each layer's weights; zero biases draw nothing")
    func biasInitialization() {
        let uniform = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, biasInitialization: .uniform,
                                    backend: FastBackend(), seed: 70)
        let zero = MultiLayerNet(inputSize: 9, hiddenSizes: [7], outputSize: 5, backend: FastBackend(), seed: 70)
        let biases = uniform.parameters.filter { $0.name.hasPrefix("b") }.flatMap(\.tensor.scalars)
        #expect(biases.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Set(biases).count == biases.count)
        #expect(zero.parameters.filter { $0.name.hasPrefix("b") }.allSatisfy { $0.tensor.scalars.allSatisfy { $0 == 0 } })
        // The first layer's weights come first from the generator either way.
        #expect(uniform.parameters[0].tensor == zero.parameters[0].tensor)
        #expect(uniform.parameters[2].tensor != zero.parameters[2].tensor)
    }
}
