import Backprop
import Foundation
import Testing
import TestSupport

/// Models from numpy and PyTorch evaluated and converted by the command-line tool, and
/// predict's records checked against evaluate, on a small slice of MNIST.
@Suite("backprop evaluate, predict and convert with models from elsewhere")
struct ImportAndPredictTests: RunsInDirectories {
    static let trainCount = 500, testCount = 200

    let directories: RunDirectories

    init() throws {
        directories = try RunDirectories(trainCount: Self.trainCount, testCount: Self.testCount)
    }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    /// A 784-16-10 ReLU network trained by numpy's own SGD on the slice, saved as the book's
    /// F32 tensors without metadata and as a PyTorch state dict (`net.0.weight` [16, 784], …)
    /// in F64; numpy's accuracies of the weights as F32 (what Backprop computes with).
    static let numpyTrainer = Python.safetensorsFunctions + """
    import sys
    data, out = sys.argv[1], sys.argv[2]
    def idx(name, offset):
        return np.frombuffer(open(data + '/' + name, 'rb').read()[offset:], dtype=np.uint8)
    x_train = idx('train-images-idx3-ubyte', 16).reshape(-1, 784).astype(np.float32) / 255
    t_train = idx('train-labels-idx1-ubyte', 8).astype(np.int64)
    x_test = idx('t10k-images-idx3-ubyte', 16).reshape(-1, 784).astype(np.float32) / 255
    t_test = idx('t10k-labels-idx1-ubyte', 8).astype(np.int64)
    rng = np.random.default_rng(0)
    W1 = rng.normal(size=(784, 16)) * np.sqrt(2 / 784); b1 = np.zeros(16)
    W2 = rng.normal(size=(16, 10)) * np.sqrt(2 / 16); b2 = np.zeros(10)
    for step in range(300):
        batch = rng.choice(len(x_train), 50)
        x, t = x_train[batch], t_train[batch]
        h = np.maximum(x @ W1 + b1, 0)
        y = h @ W2 + b2
        y = np.exp(y - y.max(axis=1, keepdims=True)); y /= y.sum(axis=1, keepdims=True)
        dy = y.copy(); dy[np.arange(len(t)), t] -= 1; dy /= len(t)
        dh = (dy @ W2.T) * (h > 0)
        W2 -= 0.1 * h.T @ dy; b2 -= 0.1 * dy.sum(axis=0)
        W1 -= 0.1 * x.T @ dh; b1 -= 0.1 * dh.sum(axis=0)
    f32 = [a.astype(np.float32) for a in (W1, b1, W2, b2)]
    def accuracy(x, t):
        w1, c1, w2, c2 = [a.astype(np.float64) for a in f32]
        return float(np.mean(np.argmax(np.maximum(x @ w1 + c1, 0) @ w2 + c2, axis=1) == t))
    save_safetensors(out + '/numpy.safetensors', [('W1', f32[0]), ('b1', f32[1]), ('W2', f32[2]), ('b2', f32[3])])
    save_safetensors(out + '/torch.safetensors',
                     [('net.0.weight', f32[0].T.astype(np.float64)), ('net.0.bias', f32[1].astype(np.float64)),
                      ('net.2.weight', f32[2].T.astype(np.float64)), ('net.2.bias', f32[3].astype(np.float64))],
                     {'format': 'pt'})
    print(json.dumps({'train_accuracy': accuracy(x_train, t_train), 'test_accuracy': accuracy(x_test, t_test)}))
    """

    @Test("A numpy-trained model and its PyTorch-layout F64 copy evaluate to numpy's own accuracy",
          .enabled(if: Python.hasNumPy, "python3 with numpy is not available"))
    func numpyAndTorchModels() throws {
        let (status, output) = try Python.run(Self.numpyTrainer, arguments: [data.url.path, scratch.url.path])
        try #require(status == 0, "\(output)")
        let trained = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
        #expect(trained["test_accuracy"]! > 0.6, "numpy's training did not learn: \(trained)")

        // The file names no activation: it is not guessed, the option states it.
        let numpyFile = scratch.filePath("numpy.safetensors")
        expectOneLineError(try run(["evaluate", "--model", numpyFile, "--data", data.url.path]),
                           mentioning: ["\(numpyFile): the file does not name the hidden layers' activation",
                                        "--activation relu|sigmoid|tanh"])
        let numpy = try run(["evaluate", "--model", numpyFile, "--activation", "relu", "--data", data.url.path, "--json"])
        expectSuccess(numpy)
        let torch = try run(["evaluate", "--model", scratch.filePath("torch.safetensors"), "--activation", "relu",
                             "--data", data.url.path, "--json"])
        #expect(torch.status == 0, "\(torch)")
        #expect(torch.standardError.contains("converted net.0.weight, net.0.bias, net.2.weight, net.2.bias from F64 to F32"),
                "\(torch)")
        for evaluated in [numpy, torch] {
            let line = try #require(evaluated.outputLines.last)
            let measured = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(measured["train_accuracy"] as? Double == trained["train_accuracy"], "\(evaluated)")
            #expect(measured["test_accuracy"] as? Double == trained["test_accuracy"], "\(evaluated)")
            #expect(measured["sizes"] as? String == "784-16-10")
        }
    }

    @Test("predict's classes give evaluate's test accuracy; CSV and JSON lines hold the same records")
    func predictAgreesWithEvaluate() throws {
        let model = scratch.filePath("m.safetensors")
        expectSuccess(try run(["train", "--iterations", "60", "--hidden", "20", "--data", data.url.path, "--save", model]))
        let evaluate = try run(["evaluate", "--model", model, "--data", data.url.path, "--json"])
        expectSuccess(evaluate)
        let measured = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.outputLines.last!.utf8)) as? [String: Any])
        let testAccuracy = try #require(measured["test_accuracy"] as? Double)

        let images = data.filePath("t10k-images-idx3-ubyte"), labels = data.filePath("t10k-labels-idx1-ubyte")
        let csv = try run(["predict", "--model", model, "--images", images, "--labels", labels])
        #expect(csv.status == 0, "\(csv)")
        #expect(csv.outputLines.count == Self.testCount + 1)
        #expect(csv.outputLines.first == "index,class,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9")
        let truth = try Data(contentsOf: URL(fileURLWithPath: labels)).dropFirst(8).map(Int.init)
        var correct = 0
        for (index, line) in csv.outputLines.dropFirst().enumerated() {
            let fields = line.split(separator: ",").map(String.init)
            #expect(fields.count == 12 && fields[0] == String(index))
            let probabilities = fields.dropFirst(2).compactMap(Double.init)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
            // The class is the most probable one.
            #expect(Int(fields[1]) == probabilities.indices.max { probabilities[$0] < probabilities[$1] })
            if Int(fields[1]) == truth[index] { correct += 1 }
        }
        #expect(Double(correct) / Double(Self.testCount) == testAccuracy)
        #expect(csv.errorLines == [Substring(String(format: "accuracy %.4f (%d of %d samples of %@)", testAccuracy,
                                                    correct, Self.testCount, images))])

        let json = try run(["predict", "--model", model, "--images", images, "--json"])
        expectSuccess(json)
        #expect(json.outputLines.count == Self.testCount)
        for (line, csvLine) in zip(json.outputLines, csv.outputLines.dropFirst()) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let fields = csvLine.split(separator: ",")
            #expect(record["index"] as? Int == Int(fields[0]) && record["class"] as? Int == Int(fields[1]))
            #expect((record["probabilities"] as? [Double])?.count == 10)
        }
    }

    @Test("convert to the PyTorch layout and back gives the original file byte for byte")
    func convertRoundTrip() throws {
        let model = scratch.filePath("m.safetensors")
        expectSuccess(try run(["train", "--iterations", "10", "--hidden", "12", "8", "--activation", "sigmoid",
                               "--data", data.url.path, "--save", model]))
        let toTorch = try run(["convert", "--model", model, "--layout", "torch", "--output", scratch.filePath("t.safetensors")])
        expectSuccess(toTorch)
        #expect(toTorch.standardOutput == "wrote \(scratch.filePath("t.safetensors")): torch layout, 784-12-8-10 sigmoid\n")
        expectSuccess(try run(["convert", "--model", scratch.filePath("t.safetensors"), "--layout", "backprop",
                               "--output", scratch.filePath("b.safetensors")]))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.filePath("b.safetensors")))
                == Data(contentsOf: URL(fileURLWithPath: model)))
    }

    @Test("A PyTorch file whose layers do not chain, or cannot be ordered, is refused with one line naming the tensor",
          arguments: [
        ([("fc1.weight", [16, 784]), ("fc1.bias", [16]), ("fc2.weight", [10, 12]), ("fc2.bias", [10])],
         ["tensor 'fc2.weight' does not fit the network", "takes 12 inputs", "'fc1.weight' gives 16 outputs"]),
        ([("encoder.weight", [16, 784]), ("encoder.bias", [16]), ("head.weight", [10, 16]), ("head.bias", [10])],
         ["cannot tell whether 'encoder.weight' or 'head.weight' comes first"]),
    ] as [([(String, [Int])], [String])])
    func inconsistentModel(tensors: [(String, [Int])], fragments: [String]) throws {
        let path = scratch.filePath("torch.safetensors")
        try Safetensors.save(tensors.map { (name: $0.0, tensor: Tensor<Float>(shape: $0.1)) }, to: URL(fileURLWithPath: path))
        for command in ["evaluate", "predict"] {
            let extra = command == "evaluate" ? ["--data", data.url.path] : ["--images", data.filePath("t10k-images-idx3-ubyte")]
            let run = try run([command, "--model", path] + extra)
            expectOneLineError(run, mentioning: [path] + fragments)
            #expect(run.standardOutput.isEmpty)
        }
    }

    @Test("predict refuses inputs that do not fit, with one line", arguments: [
        (["--images", "IMAGES", "--csv", "x.csv"], ["either --images or --csv"]),
        ([], ["either --images or --csv"]),
        (["--images", "IMAGES", "--label-column", "y"], ["--label-column goes with --csv"]),
        (["--images", "LABELS"], ["LABELS", "IDX file has 1 dimensions, expected 3"]),
        (["--images", "IMAGES", "--labels", "IMAGES"], ["IMAGES", "IDX file has 3 dimensions, expected 1"]),
        (["--images", "IMAGES", "--labels", "TRAIN_LABELS"], ["IMAGES holds 200 images but TRAIN_LABELS holds 500 labels"]),
        (["--csv", "IMAGES"], ["IMAGES", "not a readable CSV file", "not UTF-8"]),
    ] as [([String], [String])])
    func predictRefuses(arguments: [String], fragments: [String]) throws {
        let model = scratch.filePath("m.safetensors")
        expectSuccess(try run(["train", "--iterations", "2", "--data", data.url.path, "--save", model]))
        let substitute = { (text: String) in
            text.replacingOccurrences(of: "TRAIN_LABELS", with: data.filePath("train-labels-idx1-ubyte"))
                .replacingOccurrences(of: "IMAGES", with: data.filePath("t10k-images-idx3-ubyte"))
                .replacingOccurrences(of: "LABELS", with: data.filePath("t10k-labels-idx1-ubyte"))
        }
        let predict = try run(["predict", "--model", model] + arguments.map(substitute))
        expectOneLineError(predict, mentioning: fragments.map(substitute))
        #expect(predict.standardOutput.isEmpty)
    }
}
