import Backprop
import Foundation

/// `kernel-bench --train`: the book's whole training run (the settings of `backprop train`:
/// 784-50-10 ReLU, weight std 0.01, batch 100, SGD 0.1, 10,000 iterations, train and test
/// accuracy every epoch) timed for each thread count, next to the same loop in numpy float32
/// (Benchmarks/numpy/book_train.py) when python3 with numpy is installed — both in one run.
struct TrainingBenchmark {
    var iterations: Int
    var threadCounts: [Int]
    var json: Bool
    /// The measured FMA peak, for the run's fraction of it; nil when not measured.
    var peak: MeasuredPeak?
    /// How the breakdown's kernels are timed.
    var plan: MeasurementPlan

    /// The dense arithmetic of the run: every step's five products, and one forward pass over
    /// the training and test sets per evaluation (two products per row).
    static func denseFlops(iterations: Int, evaluations: Int, evaluatedRows: Int) -> Double {
        let products: [Int] = [100 * 784 * 50, 100 * 50 * 10, 50 * 100 * 10, 100 * 10 * 50, 784 * 100 * 50]
        let step = 2.0 * Double(products.reduce(0, +))
        let forwardRow = 2.0 * Double(784 * 50 + 50 * 10)
        return Double(iterations) * step + Double(evaluations * evaluatedRows) * forwardRow
    }

    func run() throws {
        let directory = try MNIST.defaultDirectory()
        let (trainingSet, testSet) = try MNIST.load(from: directory)
        let numpy = NumpyBaseline.run(mnist: directory, iterations: iterations)
        if !json {
            print("")
            print("Book training run: 784-50-10 ReLU, batch 100, SGD 0.1, \(iterations) iterations, accuracy every epoch")
            if let numpy {
                print(String(format: "numpy float32 (%@): %.2f s, %.0f it/s, test accuracy %.4f",
                             numpy.blas, numpy.seconds, Double(iterations) / numpy.seconds, numpy.testAccuracy))
            } else {
                print("numpy float32: not available (python3 with numpy not found)")
            }
            print("threads   seconds     it/s  test-acc  vs numpy  % of FMA peak (dense GFLOP / s / peak)")
        }
        for threads in threadCounts {
            FastBackend.threadCount = threads
            let network = TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, weightInitStd: 0.01,
                                      backend: FastBackend(), seed: 42)
            let trainer = Trainer(network: network, optimizer: SGD<Float>(learningRate: 0.1), trainingSet: trainingSet,
                                  testSet: testSet,
                                  configuration: TrainingConfiguration(iterations: iterations, batchSize: 100, seed: 42))
            let start = ContinuousClock.now
            let history = try trainer.train()
            let seconds = (ContinuousClock.now - start).seconds
            let testAccuracy = history.epochs.last?.testAccuracy ?? 0
            let ratio = numpy.map { $0.seconds / seconds }
            let flops = Self.denseFlops(iterations: iterations, evaluations: history.epochs.count,
                                        evaluatedRows: trainingSet.labels.count + testSet.labels.count)
            let peakFraction = peak?.gigaflops(threads: threads).map { flops / seconds / 1e9 / $0 }
            if json {
                print(JSONLine([
                    ("type", .string("result")), ("suite", .string("train")), ("kernel", .string("train")),
                    ("shape", .string("784-50-10")), ("threads", .integer(threads)), ("iterations", .integer(iterations)),
                    ("seconds", .number(seconds)), ("iterations_per_second", .number(Double(iterations) / seconds)),
                    ("test_accuracy", .number(testAccuracy)), ("numpy_seconds", .number(numpy?.seconds)),
                    ("numpy_ratio", .number(ratio)), ("dense_gflop", .number(flops / 1e9)),
                    ("peak_gflops", .number(peak?.gigaflops(threads: threads))), ("peak_ratio", .number(peakFraction)),
                ]).encoded)
            } else {
                print(String(format: "%7d  %8.2f  %7.0f  %8.4f  %@  %@", threads, seconds, Double(iterations) / seconds,
                             testAccuracy, ratio.map { String(format: "%7.2fx", $0) } ?? "      -",
                             peakFraction.map { String(format: "%.0f%% (%.0f GFLOP / %.2f s / %.1f GFLOP/s)", $0 * 100,
                                                       flops / 1e9, seconds, peak!.gigaflops(threads: threads)!) } ?? "-"))
                let probe = TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, weightInitStd: 0.01,
                                        backend: FastBackend(), seed: 42)
                let probeTrainer = Trainer(network: probe, optimizer: SGD<Float>(learningRate: 0.1),
                                           trainingSet: trainingSet, testSet: testSet,
                                           configuration: TrainingConfiguration(iterations: Int.max / 2, batchSize: 100, seed: 42))
                TrainingBreakdown(plan: plan, trainingInputs: trainingSet.inputs)
                    .report(threads: threads, iterations: iterations, evaluations: history.epochs.count, runSeconds: seconds,
                            step: { _ = try? probeTrainer.step() }, evaluate: { _ = probeTrainer.evaluate() })
            }
        }
        FastBackend.threadCount = 0
    }
}

/// The numpy float32 version of the book's loop, run as a child process.
struct NumpyBaseline {
    var seconds: Double
    var testAccuracy: Double
    var blas: String

    /// Runs Benchmarks/numpy/book_train.py; nil when python3 or numpy is missing or it fails.
    static func run(mnist directory: URL, iterations: Int) -> NumpyBaseline? {
        guard case .result(let object) = PythonScript(path: "numpy/book_train.py").run([directory.path, String(iterations)]),
              let seconds = object["seconds"] as? Double, let accuracy = object["test_accuracy"] as? Double
        else { return nil }
        return NumpyBaseline(seconds: seconds, testAccuracy: accuracy, blas: object["blas"] as? String ?? "numpy")
    }
}
