import Backprop
import Foundation
import Testing
import TestSupport

/// Whether `python3` with numpy can be run. numpy is only a test oracle, an independent
/// implementation of the book's formulas; machines without it skip these tests.
private let numpyAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    } catch {
        return false
    }
}()

/// The book's forward and backward passes in float64 numpy (`common/layers.py`), reading the
/// parameters and the batch from raw little-endian float64 files and writing the loss and
/// the gradients the same way. One deliberate departure: the book's cross-entropy adds 1e-7
/// inside the logarithm to avoid log(0), which shifts the loss by about 1e-7; the oracle
/// uses the exact log-softmax instead, as the Swift kernels do, so a 1e-10 comparison is
/// meaningful.
private let numpyScript = """
import sys, json
import numpy as np

directory = sys.argv[1]
spec = json.load(open(directory + "/spec.json"))
def load(name, shape):
    return np.fromfile(directory + "/" + name + ".bin", dtype="<f8").reshape(shape)

x = load("x", spec["x"])
labels = load("labels", [spec["x"][0]]).astype(np.int64)
params = {name: load(name, shape) for name, shape in spec["parameters"]}
layer_count = len(spec["parameters"]) // 2
batch = x.shape[0]

# Forward: Affine, activation (ReLU, tanh or sigmoid), ..., Affine, softmax with loss.
inputs, activations = [], []
h = x
for i in range(1, layer_count + 1):
    inputs.append(h)
    h = h @ params["W%d" % i] + params["b%d" % i]
    if i < layer_count:
        if spec["activation"] == "relu":
            mask = h <= 0
            h = h.copy(); h[mask] = 0
            activations.append(mask)
        elif spec["activation"] == "tanh":
            h = np.tanh(h)
            activations.append(h)
        else:
            h = 1 / (1 + np.exp(-h))
            activations.append(h)
t = np.zeros_like(h); t[np.arange(batch), labels] = 1
shifted = h - h.max(axis=1, keepdims=True)
log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
y = np.exp(log_softmax)
loss = -np.sum(t * log_softmax) / batch

# Backward.
grads = {}
dout = (y - t) / batch
for i in range(layer_count, 0, -1):
    grads["W%d" % i] = inputs[i - 1].T @ dout
    grads["b%d" % i] = np.sum(dout, axis=0)
    dout = dout @ params["W%d" % i].T
    if i > 1:
        if spec["activation"] == "relu":
            dout = dout.copy(); dout[activations[i - 2]] = 0
        elif spec["activation"] == "tanh":
            dout = dout * (1.0 - activations[i - 2] ** 2)
        else:
            out = activations[i - 2]
            dout = dout * (1.0 - out) * out

np.array([loss], dtype="<f8").tofile(directory + "/loss.out")
for name, _ in spec["parameters"]:
    grads[name].astype("<f8").tofile(directory + "/d" + name + ".out")
"""

@Suite("Comparison with the book's formulas in numpy")
struct NumpyComparisonTests {
    struct OracleResult {
        var loss: Double
        var gradients: [String: Tensor<Double>]
    }

    /// Runs the numpy script on the parameters and batch and returns its loss and gradients.
    func numpyOracle(parameters: [(name: String, tensor: Tensor<Double>)], x: Tensor<Double>,
                     labels: [Int32], activation: Activation) throws -> OracleResult {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("backprop-numpy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        func write(_ values: [Double], _ name: String) throws {
            let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
            try data.write(to: directory.appendingPathComponent(name + ".bin"))
        }
        try write(x.scalars, "x")
        try write(labels.map(Double.init), "labels")
        for (name, tensor) in parameters {
            try write(tensor.scalars, name)
        }
        let spec: [String: Any] = ["x": x.shape, "activation": activation.rawValue,
                                   "parameters": parameters.map { [$0.name, $0.tensor.shape] }]
        try JSONSerialization.data(withJSONObject: spec).write(to: directory.appendingPathComponent("spec.json"))
        let scriptURL = directory.appendingPathComponent("oracle.py")
        try numpyScript.write(to: scriptURL, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, directory.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the numpy oracle failed")

        func read(_ name: String, shape: [Int]) throws -> Tensor<Double> {
            let data = try Data(contentsOf: directory.appendingPathComponent(name + ".out"))
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
            return Tensor(shape: shape, scalars: values)
        }
        var gradients: [String: Tensor<Double>] = [:]
        for (name, tensor) in parameters {
            gradients[name] = try read("d" + name, shape: tensor.shape)
        }
        return OracleResult(loss: try read("loss", shape: [1]).scalars[0], gradients: gradients)
    }

    @Test("Loss and gradients agree with numpy: reference Double to 1e-10, fast Float to 1e-4 (relative)",
          .enabled(if: numpyAvailable, "python3 with numpy is not installed"),
          arguments: Activation.allCases)
    func agreesWithNumpy(activation: Activation) throws {
        // Float parameters and inputs, so that all three implementations start from exactly
        // the same numbers; only the arithmetic differs.
        let fast = MultiLayerNet(inputSize: 20, hiddenSizes: [16, 12], outputSize: 5, activation: activation,
                                 weightInitialization: .standardDeviation(0.3), backend: FastBackend(), seed: 21)
        let batch = unitIntervalDataset(count: 8, features: 20, classes: 5, seed: 22)
        let labels = batch.labels
        let reference = MultiLayerNet(inputSize: 20, hiddenSizes: [16, 12], outputSize: 5, activation: activation,
                                      backend: ReferenceBackend<Double>(), seed: 0)
        // Non-zero biases, so that the bias paths are compared too.
        let floatParameters = fast.parameters.enumerated().map { index, parameter in
            parameter.name.hasPrefix("b")
                ? (name: parameter.name, tensor: randomTensor(shape: parameter.tensor.shape, standardDeviation: 0.1,
                                                              seed: UInt64(index)))
                : parameter
        }
        try fast.load(state: floatParameters)
        let parameters = floatParameters.map { (name: $0.name, tensor: Tensor<Double>($0.tensor)) }
        try reference.load(state: parameters)

        let x = Tensor<Double>(batch.inputs)
        let oracle = try numpyOracle(parameters: parameters, x: x, labels: labels, activation: activation)

        let referenceLoss = reference.backpropagate(x, targets: .labels(labels))
        #expect(abs(referenceLoss - oracle.loss) / oracle.loss < 1e-10)
        for (name, gradient) in reference.gradients {
            let expected = try #require(oracle.gradients[name])
            #expect(relativeDifference(gradient, reference: expected) < 1e-10, "reference \(name)")
        }

        let fastLoss = fast.backpropagate(batch.inputs, targets: .labels(labels))
        #expect(abs(Double(fastLoss) - oracle.loss) / oracle.loss < 1e-4)
        for (name, gradient) in fast.gradients {
            let expected = try #require(oracle.gradients[name])
            #expect(relativeDifference(gradient, reference: expected) < 1e-4, "fast \(name)")
        }
    }
}
