import Backprop

/// One max-pooling kernel of a training step on one layer's shape.
struct PoolingProblem {
    /// The forward pass (y and the argmax) or the backward pass (dx from dy and the argmax).
    enum Pass: CaseIterable {
        case forward, backward

        var kernel: String {
            switch self {
            case .forward: "maxpool_forward"
            case .backward: "maxpool_backward"
            }
        }
    }

    var pass: Pass
    var layer: BookConvNetShapes.PoolingLayer
    var images: Int

    var geometry: PoolingGeometry { layer.geometry }

    /// Bytes read plus bytes written, each once. Forward: x in; y and the Int32 argmax out.
    /// Backward: dy and the argmax in; dx out (every element written).
    func bytes(images: Int) -> Double {
        let input = Double(images * geometry.inputCount), output = Double(images * geometry.outputCount)
        switch pass {
        case .forward: return 4 * input + 8 * output
        case .backward: return 8 * output + 4 * input
        }
    }

    /// "100x16x28x28 pool 2": the batch and image, the window (and stride and pad when not
    /// the book's stride = size, pad 0).
    var shape: String {
        let g = geometry
        return "\(images)x\(g.channels)x\(g.height)x\(g.width) pool \(g.size)"
            + (g.stride == g.size ? "" : " s\(g.stride)") + (g.pad == 0 ? "" : " p\(g.pad)")
    }
}

/// The operands of one pooling shape, filled once: x and dy in [-1, 1] (ties are then rare, as
/// after a convolution), y, the argmax (valid for backward from the start) and dx.
final class PoolingOperands {
    let geometry: PoolingGeometry
    let x: AlignedBuffer<Float>
    let dy: AlignedBuffer<Float>
    let y: AlignedBuffer<Float>
    let argmax: AlignedBuffer<Int32>
    let dx: AlignedBuffer<Float>

    init(_ geometry: PoolingGeometry, images: Int, seed: UInt64) {
        self.geometry = geometry
        x = AlignedBuffer(count: images * geometry.inputCount, uniformIn: -1...1, seed: seed)
        dy = AlignedBuffer(count: images * geometry.outputCount, uniformIn: -1...1, seed: seed &+ 1)
        y = AlignedBuffer(count: images * geometry.outputCount)
        argmax = AlignedBuffer(count: images * geometry.outputCount, zero: 0)
        dx = AlignedBuffer(count: images * geometry.inputCount)
        _ = ReferenceBackend<Float>().run(.forward, geometry, images: images, self)
    }

    /// The first image's outputs of `pass`, copied, as floats (the argmax converted exactly).
    func firstImageOutputs(of pass: PoolingProblem.Pass) -> [[Float]] {
        switch pass {
        case .forward:
            return [Array(y.buffer[0..<geometry.outputCount]), argmax.buffer[0..<geometry.outputCount].map(Float.init)]
        case .backward:
            return [Array(dx.buffer[0..<geometry.inputCount])]
        }
    }
}

extension ConvolutionKernels where Scalar == Float {
    /// Runs `pass` on the first `images` images of `operands`; returns an output element as witness.
    fileprivate func run(_ pass: PoolingProblem.Pass, _ geometry: PoolingGeometry, images: Int,
                         _ o: PoolingOperands) -> Float {
        switch pass {
        case .forward:
            maxPoolForward(images: images, geometry: geometry, x: o.x.readOnly, y: o.y.buffer, argmax: o.argmax.buffer)
            return o.y.buffer[0]
        case .backward:
            maxPoolBackward(images: images, geometry: geometry, dy: o.dy.readOnly, argmax: o.argmax.readOnly,
                            dx: o.dx.buffer)
            return o.dx.buffer[0]
        }
    }
}

/// Bandwidth of `FastBackend`'s max pooling (`ck_maxpool_forward`, `ck_maxpool_backward`) on
/// the pooling layers of the book's SimpleConvNet and DeepConvNet at batch 100, against
/// `ReferenceBackend<Float>` and `memcpy` of the same traffic.
struct PoolingSuite: BenchmarkSuite {
    /// The minibatch of the book's training scripts.
    var images = 100

    var key: String { "pool" }
    var title: String { "Max pooling  GB/s = (bytes read + bytes written) / time, the argmax as Int32" }
    var unit: RateUnit { .gigabytes }
    var baselines: [BaselineColumn] { [BaselineColumn(key: "memcpy", title: "memcpy")] }
    var comparesWithPeak: Bool { false }
    var shapeWidth: Int { 22 }
    var kernelNames: [String] { PoolingProblem.Pass.allCases.map(\.kernel) }

    func run(settings: BenchmarkSettings, report: (BenchmarkResult) -> Void) {
        let problems = BookConvNetShapes.both.flatMap(\.poolings).flatMap { layer in
            PoolingProblem.Pass.allCases.map { PoolingProblem(pass: $0, layer: layer, images: images) }
        }.filter { settings.includes($0.pass.kernel) }
        guard !problems.isEmpty else { return }
        var operands: [String: PoolingOperands] = [:]
        for (index, problem) in problems.enumerated() where operands[problem.layer.note] == nil {
            operands[problem.layer.note] = PoolingOperands(problem.geometry, images: images, seed: UInt64(index) &* 2 &+ 1)
        }
        let memcpy = MemcpyBaseline(maximumBytes: Int(problems.map { $0.bytes(images: images) }.max()!))
        let memcpyRates = problems.map { memcpy.rate(bytes: $0.bytes(images: images), plan: settings.plan) }

        // The reference on one image, scaled: it does the same work per image. Then ours on that
        // image, which must agree exactly (pooling only compares and copies).
        let reference = ReferenceBackend<Float>()
        let references = problems.map { problem in
            let o = operands[problem.layer.note]!
            let timing = measure(settings.referencePlan) { reference.run(problem.pass, problem.geometry, images: 1, o) }
            let expected = o.firstImageOutputs(of: problem.pass)
            _ = FastBackend().run(problem.pass, problem.geometry, images: 1, o)
            if o.firstImageOutputs(of: problem.pass) != expected {
                printToStandardError("warning: \(problem.pass.kernel) \(problem.shape) (\(problem.layer.note)) "
                                     + "differs from the reference on one image")
            }
            return ReferenceTiming(secondsPerCall: timing.secondsPerCall * Double(images), isExtrapolated: images > 1)
        }

        settings.forEachThreadCount { threads, plan in
            let fast = FastBackend()
            for (index, problem) in problems.enumerated() {
                let o = operands[problem.layer.note]!
                let timing = measure(plan) { fast.run(problem.pass, problem.geometry, images: images, o) }
                report(BenchmarkResult(
                    kernel: problem.pass.kernel, shape: problem.shape, note: problem.layer.note, threads: threads,
                    unit: unit, workPerCall: problem.bytes(images: images), timing: timing,
                    reference: references[index], baselineRates: [memcpyRates[index]]))
            }
        }
    }
}
