import Backprop
import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kernel-bench --train`'s account of where the book's training run spends its time: each
/// kernel of one training step, called on its own with the step's shapes (the fastest of many
/// short batches, data in cache as in the step), the whole `Trainer.step()` measured the same
/// way, the Swift side as the difference, and the epoch evaluations.
///
/// The step of the 784-50-10 network with batch 100 (the first layer's dX is never computed):
/// gather, X·W1, bias + ReLU, Z·W2, bias, softmax + cross-entropy forward and backward, the
/// backward products and column sums, ReLU backward, and four SGD updates.
struct TrainingBreakdown {
    /// One kernel call of the step.
    struct Component {
        var name: String
        var shape: String
        /// FLOPs of one call (GEMMs), or nil.
        var flops: Double?
        var call: () -> Void
    }

    var plan: MeasurementPlan
    var trainingInputs: Tensor<Float>

    /// The buffers of one step, filled with reproducible values.
    private final class StepBuffers {
        let x = AlignedBuffer(count: 100 * 784), w1 = AlignedBuffer(count: 784 * 50, uniformIn: -0.01...0.01, seed: 1)
        let b1 = AlignedBuffer(count: 50), z1 = AlignedBuffer(count: 100 * 50), mask = AlignedBuffer<UInt8>(count: 100 * 50, zero: 0)
        let w2 = AlignedBuffer(count: 50 * 10, uniformIn: -0.01...0.01, seed: 2), b2 = AlignedBuffer(count: 10)
        let scores = AlignedBuffer(count: 100 * 10), probabilities = AlignedBuffer(count: 100 * 10)
        let dScores = AlignedBuffer(count: 100 * 10), dZ1 = AlignedBuffer(count: 100 * 50)
        let dW1 = AlignedBuffer(count: 784 * 50), dB1 = AlignedBuffer(count: 50)
        let dW2 = AlignedBuffer(count: 50 * 10), dB2 = AlignedBuffer(count: 10)
        var labels = [Int32](repeating: 0, count: 100)
        /// Minibatches of random rows, a new one for every gather, as in training: so many that
        /// their rows (313 MB for MNIST) do not fit in any cache and each gather reads from memory.
        var batches: [[Int]]
        var nextBatch = 0
        init(rows: Int) {
            var generator = SeededGenerator(seed: 3)
            for i in 0..<100 { labels[i] = Int32.random(in: 0..<10, using: &generator) }
            batches = (0..<1024).map { _ in (0..<100).map { _ in Int.random(in: 0..<rows, using: &generator) } }
        }
        /// The rows of the next minibatch, cycling through `batches`.
        func takeBatch() -> [Int] {
            defer { nextBatch = (nextBatch + 1) % batches.count }
            return batches[nextBatch]
        }
    }

    private func components(_ s: StepBuffers, source: UnsafeBufferPointer<Float>, rows: Int) -> [Component] {
        func p(_ b: AlignedBuffer<Float>) -> UnsafeMutablePointer<Float> { b.buffer.baseAddress! }
        let lr: Float = 0.1
        return [
            Component(name: "gather", shape: "100 of \(rows)x784", flops: nil) {
                s.takeBatch().withUnsafeBufferPointer { indices in
                    _ = ck_gather_rows(100, 784, source.baseAddress, rows, 784, indices.baseAddress, p(s.x), 784)
                }
            },
            Component(name: "sgemm_nn X·W1", shape: "100x784x50", flops: 2 * 100 * 784 * 50) {
                _ = ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, 100, 50, 784, 1, p(s.x), 784, p(s.w1), 50, 0, p(s.z1), 50)
            },
            Component(name: "bias + relu", shape: "100x50", flops: nil) {
                _ = ck_add_row_bias_relu(100, 50, p(s.b1), p(s.z1), 50, s.mask.buffer.baseAddress)
            },
            Component(name: "sgemm_nn Z·W2", shape: "100x50x10", flops: 2 * 100 * 50 * 10) {
                _ = ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, 100, 10, 50, 1, p(s.z1), 50, p(s.w2), 10, 0, p(s.scores), 10)
            },
            Component(name: "bias", shape: "100x10", flops: nil) {
                _ = ck_add_row_bias(100, 10, p(s.b2), p(s.scores), 10)
            },
            Component(name: "softmax + loss", shape: "100x10", flops: nil) {
                var loss: Float = 0
                s.labels.withUnsafeBufferPointer { labels in
                    _ = ck_softmax_cross_entropy_forward_labels(100, 10, p(s.scores), 10, labels.baseAddress,
                                                                p(s.probabilities), 10, &loss)
                }
            },
            Component(name: "softmax backward", shape: "100x10", flops: nil) {
                s.labels.withUnsafeBufferPointer { labels in
                    _ = ck_softmax_cross_entropy_backward_labels(100, 10, p(s.probabilities), 10, labels.baseAddress,
                                                                 p(s.dScores), 10)
                }
            },
            Component(name: "sgemm_tn Zᵀ·dY, dW2", shape: "50x100x10", flops: 2 * 50 * 100 * 10) {
                _ = ck_sgemm(CK_TRANS, CK_NO_TRANS, 50, 10, 100, 1, p(s.z1), 50, p(s.dScores), 10, 0, p(s.dW2), 10)
            },
            Component(name: "column sums db2", shape: "100x10", flops: nil) {
                _ = ck_column_sums(100, 10, p(s.dScores), 10, p(s.dB2))
            },
            Component(name: "sgemm_nt dY·W2ᵀ, dZ", shape: "100x10x50", flops: 2 * 100 * 10 * 50) {
                _ = ck_sgemm(CK_NO_TRANS, CK_TRANS, 100, 50, 10, 1, p(s.dScores), 10, p(s.w2), 10, 0, p(s.dZ1), 50)
            },
            Component(name: "relu backward", shape: "100x50", flops: nil) {
                _ = ck_relu_backward(5000, p(s.dZ1), s.mask.buffer.baseAddress, p(s.dZ1))
            },
            Component(name: "sgemm_tn Xᵀ·dY, dW1", shape: "784x100x50", flops: 2 * 784 * 100 * 50) {
                _ = ck_sgemm(CK_TRANS, CK_NO_TRANS, 784, 50, 100, 1, p(s.x), 784, p(s.dZ1), 50, 0, p(s.dW1), 50)
            },
            Component(name: "column sums db1", shape: "100x50", flops: nil) {
                _ = ck_column_sums(100, 50, p(s.dZ1), 50, p(s.dB1))
            },
            Component(name: "sgd x4", shape: "39760", flops: nil) {
                // A learning rate of 0 keeps the weights (and so every later call) unchanged.
                _ = ck_sgd_update(784 * 50, lr * 0, p(s.dW1), p(s.w1))
                _ = ck_sgd_update(50, lr * 0, p(s.dB1), p(s.b1))
                _ = ck_sgd_update(500, lr * 0, p(s.dW2), p(s.w2))
                _ = ck_sgd_update(10, lr * 0, p(s.dB2), p(s.b2))
            },
        ]
    }

    /// Prints the account for the current thread count; `step` runs one real training step
    /// and `evaluate` one epoch evaluation; `iterations` and `evaluations` scale them to the run.
    func report(threads: Int, iterations: Int, evaluations: Int, runSeconds: Double,
                step: @escaping () -> Void, evaluate: @escaping () -> Void) {
        let buffers = StepBuffers(rows: trainingInputs.rows)
        var plan = self.plan
        plan.usesThreadCPUTime = threads == 1
        trainingInputs.scalars.withUnsafeBufferPointer { source in
            let parts = components(buffers, source: source, rows: trainingInputs.rows)
            let timings = parts.map { part in measure(plan) { part.call(); return 0 } }
            let sequenceTiming = measure(plan) { for part in parts { part.call() }; return 0 }
            let inARow = timesInARow(parts, plan: plan)
            let stepTiming = measure(plan) { step(); return 0 }
            var evaluationPlan = plan
            evaluationPlan.samples = 3
            evaluationPlan.minimumSamples = 3
            evaluationPlan.minimumSampleSeconds = 0
            evaluationPlan.minimumWarmupSeconds = 0
            let evaluationTiming = measure(evaluationPlan) { evaluate(); return 0 }

            let kernels = timings.reduce(0) { $0 + $1.secondsPerCall }
            let sequence = sequenceTiming.secondsPerCall
            let stepSeconds = stepTiming.secondsPerCall
            print("")
            print("Where the time goes, \(threads) thread\(threads == 1 ? "" : "s") (fastest batches; µs per training step):")
            print("component                 shape              µs/step  share   GFLOP/s  spread  in a row")
            for ((part, timing), row) in zip(zip(parts, timings), inARow) {
                let rate = part.flops.map { String(format: "%7.1f", $0 / timing.secondsPerCall / 1e9) } ?? "      -"
                print(String(format: "%@ %@ %8.2f  %4.0f%%  %@  %@  %8.2f", pad(part.name, 25), pad(part.shape, 17),
                             timing.secondsPerCall * 1e6, 100 * timing.secondsPerCall / stepSeconds, rate,
                             TablePrinter.percent(timing.spread), row * 1e6))
            }
            print(String(format: "%@ %@ %8.2f  %4.0f%%", pad("kernels, sum", 25), pad("", 17), kernels * 1e6,
                         100 * kernels / stepSeconds))
            // Calls in a row lose what separate minima hide: one call's data leaving another
            // core's cache, threads waking for each parallel region.
            print(String(format: "%@ %@ %8.2f  %4.0f%%            %@", pad("kernels, one after another", 25), pad("", 17),
                         sequence * 1e6, 100 * sequence / stepSeconds, TablePrinter.percent(sequenceTiming.spread)))
            print(String(format: "%@ %@ %8.2f  %4.0f%%", pad("Swift side (step - row)", 25), pad("", 17),
                         (stepSeconds - sequence) * 1e6, 100 * (stepSeconds - sequence) / stepSeconds))
            print(String(format: "%@ %@ %8.2f  100%%            %@", pad("Trainer.step()", 25), pad("", 17),
                         stepSeconds * 1e6, TablePrinter.percent(stepTiming.spread)))
            let steps = Double(iterations) * stepSeconds
            let evaluationSeconds = Double(evaluations) * evaluationTiming.secondsPerCall
            print(String(format: "run: %d steps x %.1f µs = %.2f s, %d evaluations x %.1f ms = %.2f s; "
                         + "sum %.2f s against %.2f s measured (the rest: cold caches, other processes)",
                         iterations, stepSeconds * 1e6, steps, evaluations, evaluationTiming.secondsPerCall * 1e3,
                         evaluationSeconds, steps + evaluationSeconds, runSeconds))
        }
    }

    /// Each part's seconds per call when the parts run one after another, as in a step: per
    /// batch of whole sequences the mean of each part, then each part's fastest batch. What a
    /// part loses here against its time alone is what the step's order costs it (its operands
    /// last written by the other core, threads waking for it).
    private func timesInARow(_ parts: [Component], plan: MeasurementPlan) -> [Double] {
        let clock = ContinuousClock()
        let sequencesPerBatch = 20
        var fastest = [Double](repeating: .infinity, count: parts.count)
        for _ in 0..<max(plan.samples, 1) {
            var sums = [Double](repeating: 0, count: parts.count)
            for _ in 0..<sequencesPerBatch {
                for (index, part) in parts.enumerated() {
                    let start = clock.now
                    part.call()
                    sums[index] += (clock.now - start).seconds
                }
            }
            for index in parts.indices { fastest[index] = min(fastest[index], sums[index] / Double(sequencesPerBatch)) }
        }
        return fastest
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
