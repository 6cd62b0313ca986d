import ArgumentParser
import Backprop
import Foundation

/// `kernel-bench --convnet simple|deep`: one training epoch of the book's SimpleConvNet or
/// DeepConvNet (600 steps of 100 MNIST images, Adam 0.001: the book's `train_convnet.py`
/// settings, the network `backprop train --network` builds), timed through `Trainer.step()`
/// alone for each thread count, next to PyTorch eager on the same network and settings
/// (Benchmarks/torch/convnet_epoch.py), run right after ours at the same thread count.
struct ConvNetEpochBenchmark {
    /// The book's network to train.
    enum Network: String, ExpressibleByArgument, CaseIterable {
        case simple, deep

        var preset: NetworkPreset {
            switch self {
            case .simple: .simpleConvnet
            case .deep: .deepConvnet
            }
        }

        var title: String {
            switch self {
            case .simple: "SimpleConvNet (chapter 7)"
            case .deep: "DeepConvNet (chapter 8)"
            }
        }
    }

    /// One epoch of MNIST's 60,000 training images in minibatches of 100.
    static let epochSteps = 600
    static let batchSize = 100

    var network: Network
    /// Steps actually timed: the epoch's 600, or fewer (`--quick`), scaled to the epoch.
    var steps: Int
    var threadCounts: [Int]
    var json: Bool
    /// The measured FMA peak, for the step's fraction of it; nil when not measured.
    var peak: MeasuredPeak?

    /// The interpreter for PyTorch: `$BACKPROP_TORCH_PYTHON`, or python3 on PATH.
    static var torchPython: String {
        ProcessInfo.processInfo.environment["BACKPROP_TORCH_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    func run() throws {
        let directory = try MNIST.defaultDirectory()
        let (trainingSet, _) = try MNIST.load(from: directory)
        let shapes = BookConvNetShapes(network.preset, name: network.rawValue)
        let stepFlops = shapes.stepFlops(batch: Self.batchSize)
        let scale = Double(Self.epochSteps) / Double(steps)
        let torch = PythonScript(path: "torch/convnet_epoch.py", interpreter: Self.torchPython)
        var torchAvailable = true
        if !json {
            print("")
            print("\(network.title): one epoch, \(Self.epochSteps) steps of \(Self.batchSize), Adam 0.001, "
                  + "Trainer.step() only (no evaluation)"
                  + (steps == Self.epochSteps ? "" : "; \(steps) steps timed and scaled to the epoch"))
            print("layers \(network.preset.specs(outputSize: 10).map(\.description).joined(separator: ","))")
            print(String(format: "dense arithmetic per step (conv forward, dW, dx but the first layer's; affine products): %.2f GFLOP",
                         stepFlops / 1e9))
            print("threads  s/epoch  ms/step  GFLOP/s  % of peak  PyTorch s/epoch  PyTorch ms/step  speedup")
        }
        for threads in threadCounts {
            let ours = try timeOurs(threads: threads, trainingSet: trainingSet)
            letIdleThreadPoolsSleep() // our OpenMP pool must not spin on a core PyTorch needs
            var torchSeconds: Double?
            var torchVersion: String?
            if torchAvailable {
                switch torch.run([directory.path, network.rawValue, String(steps), String(threads)]) {
                case .result(let object):
                    torchSeconds = object["seconds"] as? Double
                    torchVersion = object["torch"] as? String
                case .failure(let message):
                    torchAvailable = false
                    let line = "PyTorch: not measured (\(message)); set BACKPROP_TORCH_PYTHON to a python with torch 2.x"
                    if json { printToStandardError(line) } else { print(line) }
                }
            }
            let epoch = ours * scale, torchEpoch = torchSeconds.map { $0 * scale }
            let rate = stepFlops * Double(steps) / ours / 1e9
            let peakRate = peak?.gigaflops(threads: threads)
            let speedup = torchEpoch.map { $0 / epoch }
            if json {
                print(JSONLine([
                    ("type", .string("result")), ("suite", .string("convnet")), ("kernel", .string("convnet_epoch")),
                    ("network", .string(network.preset.rawValue)), ("threads", .integer(threads)),
                    ("steps_timed", .integer(steps)), ("seconds_per_epoch", .number(epoch)),
                    ("ms_per_step", .number(ours / Double(steps) * 1e3)), ("step_gflop", .number(stepFlops / 1e9)),
                    ("gflops", .number(rate)), ("peak_gflops", .number(peakRate)),
                    ("peak_ratio", .number(peakRate.map { rate / $0 })),
                    ("torch_version", torchVersion.map { .string($0) } ?? .null),
                    ("torch_seconds_per_epoch", .number(torchEpoch)),
                    ("torch_ms_per_step", .number(torchSeconds.map { $0 / Double(steps) * 1e3 })),
                    ("torch_ratio", .number(speedup)),
                ]).encoded)
            } else {
                let msPerStep = ours / Double(steps) * 1e3
                let peakText: String = peakRate.map { String(format: "%.0f%%", rate / $0 * 100) } ?? "-"
                let torchEpochText: String = torchEpoch.map { String(format: "%.2f", $0) } ?? "-"
                let torchStepText: String = torchSeconds.map { String(format: "%.2f", $0 / Double(steps) * 1e3) } ?? "-"
                let speedupText: String = speedup.map { String(format: "%.2fx", $0) } ?? "-"
                let cells: [String] = [
                    "\(threads)", String(format: "%.2f", epoch), String(format: "%.2f", msPerStep),
                    String(format: "%.1f", rate), peakText, torchEpochText, torchStepText, speedupText,
                ]
                let widths = [7, 7, 7, 7, 9, 15, 15, 7]
                let padded: [String] = zip(cells, widths).map { cell, width in
                    String(repeating: " ", count: max(0, width - cell.count)) + cell
                }
                let version: String = torchVersion.map { "PyTorch \($0)" } ?? ""
                print((padded + [version]).joined(separator: "  "))
            }
            fflush(nil)
        }
        FastBackend.threadCount = 0
    }

    /// Seconds of `steps` training steps of a fresh network (the book's initialization, seed 42)
    /// on `threads` threads, the first step (which sizes every buffer) included, as in an epoch.
    private func timeOurs(threads: Int, trainingSet: Dataset) throws -> Double {
        FastBackend.threadCount = threads
        var generator = SeededGenerator(seed: 42)
        let preset = network.preset
        let model = try MultiLayerNet(inputShape: BookConvNetShapes.mnistImage, layers: preset.specs(outputSize: 10),
                                      weightInitialization: preset.weightInitialization ?? .standardDeviation(0.01),
                                      backend: FastBackend(), generator: &generator)
        let trainer = Trainer(network: model, optimizer: Adam<Float>(learningRate: 0.001), trainingSet: trainingSet,
                              configuration: TrainingConfiguration(iterations: steps, batchSize: Self.batchSize, seed: 42))
        let start = ContinuousClock.now
        var loss = 0.0
        for _ in 0..<steps {
            loss += try trainer.step()
        }
        let elapsed = seconds(since: start)
        consume(Float(loss))
        return elapsed
    }
}
