import Backprop

/// One convolution kernel of a training step on one layer's shape.
struct ConvolutionProblem {
    /// What is computed: the forward pass, dW + db only (a first layer), or dW, db and dx.
    enum Pass: CaseIterable {
        case forward, backwardWeights, backward

        var kernel: String {
            switch self {
            case .forward: "conv_forward"
            case .backwardWeights: "conv_backward_weights"
            case .backward: "conv_backward"
            }
        }
    }

    var pass: Pass
    var layer: BookConvNetShapes.ConvolutionLayer
    var images: Int

    var geometry: ConvolutionGeometry { layer.geometry }

    /// 2·N·FN·OH·OW·C·FH·FW: one multiply-add per tap of every output element.
    static func forwardFlops(_ geometry: ConvolutionGeometry, images: Int) -> Double {
        2 * Double(images) * Double(geometry.outputCount) * Double(geometry.taps)
    }

    /// The forward pass's FLOPs, the same for dW (each tap's weight gradient sums the same
    /// products), twice that with dx.
    var flops: Double {
        Self.forwardFlops(geometry, images: images) * (pass == .backward ? 2 : 1)
    }

    /// "100x16x14x14 32@3x3 p1": the batch and image, the filters and the padding.
    var shape: String {
        let g = geometry
        return "\(images)x\(g.channels)x\(g.height)x\(g.width) \(g.filters)@\(g.kernelHeight)x\(g.kernelWidth)"
            + (g.stride == 1 ? "" : " s\(g.stride)") + " p\(g.pad)"
    }
}

/// The operands of one convolution shape: x, W, b and dy filled once with reproducible values
/// in [-1, 1], outputs for the whole batch, and one image's outputs for ours and the reference
/// to compare.
final class ConvolutionOperands {
    let x: AlignedBuffer<Float>
    let weights: AlignedBuffer<Float>
    let bias: AlignedBuffer<Float>
    let dy: AlignedBuffer<Float>
    let y: AlignedBuffer<Float>
    let dw: AlignedBuffer<Float>
    let db: AlignedBuffer<Float>
    let dx: AlignedBuffer<Float>
    let geometry: ConvolutionGeometry

    init(_ geometry: ConvolutionGeometry, images: Int, seed: UInt64) {
        self.geometry = geometry
        x = AlignedBuffer(count: images * geometry.inputCount, uniformIn: -1...1, seed: seed)
        weights = AlignedBuffer(count: geometry.filters * geometry.taps, uniformIn: -1...1, seed: seed &+ 1)
        bias = AlignedBuffer(count: geometry.filters, uniformIn: -1...1, seed: seed &+ 2)
        dy = AlignedBuffer(count: images * geometry.outputCount, uniformIn: -1...1, seed: seed &+ 3)
        y = AlignedBuffer(count: images * geometry.outputCount)
        dw = AlignedBuffer(count: geometry.filters * geometry.taps)
        db = AlignedBuffer(count: geometry.filters)
        dx = AlignedBuffer(count: images * geometry.inputCount)
    }

    /// What a pass over the first image alone writes, copied, in order: y; dW and db; dW, db
    /// and dx.
    func firstImageOutputs(of pass: ConvolutionProblem.Pass) -> [[Float]] {
        let y = Array(self.y.buffer[0..<geometry.outputCount]), dx = Array(self.dx.buffer[0..<geometry.inputCount])
        let dw = Array(self.dw.buffer), db = Array(self.db.buffer)
        switch pass {
        case .forward: return [y]
        case .backwardWeights: return [dw, db]
        case .backward: return [dw, db, dx]
        }
    }
}

extension ConvolutionKernels where Scalar == Float {
    /// Runs `pass` on the first `images` images of `operands`; returns an output element as witness.
    fileprivate func run(_ pass: ConvolutionProblem.Pass, _ geometry: ConvolutionGeometry, images: Int,
                         _ o: ConvolutionOperands) -> Float {
        switch pass {
        case .forward:
            convolutionForward(images: images, geometry: geometry, x: o.x.readOnly, weights: o.weights.readOnly,
                               bias: o.bias.readOnly, y: o.y.buffer)
            return o.y.buffer[0]
        case .backwardWeights, .backward:
            convolutionBackward(images: images, geometry: geometry, x: o.x.readOnly, weights: o.weights.readOnly,
                                dy: o.dy.readOnly, weightGradient: o.dw.buffer, biasGradient: o.db.buffer,
                                dx: pass == .backward ? o.dx.buffer : nil)
            return o.dw.buffer[0]
        }
    }
}

/// Convolution throughput of `FastBackend` (`ck_conv_forward`, `ck_conv_backward`) on the
/// convolutions of the book's SimpleConvNet and DeepConvNet at batch 100, against
/// `ReferenceBackend<Float>` and the measured FMA peak.
struct ConvolutionSuite: BenchmarkSuite {
    /// The minibatch of the book's training scripts.
    var images = 100

    var key: String { "conv" }
    var title: String {
        "Convolution  batch x C x H x W, FN@FHxFW, pad; 2·N·FN·OH·OW·C·FH·FW FLOPs forward and for dW, twice that with dx"
    }
    var unit: RateUnit { .gigaflops }
    var baselines: [BaselineColumn] { [] }
    var comparesWithPeak: Bool { true }
    var shapeWidth: Int { 26 }
    var kernelNames: [String] { ConvolutionProblem.Pass.allCases.map(\.kernel) }

    /// Every layer of both networks with every pass, in table order (layer by layer).
    func problems(settings: BenchmarkSettings) -> [ConvolutionProblem] {
        BookConvNetShapes.both.flatMap(\.convolutions).flatMap { layer in
            ConvolutionProblem.Pass.allCases.map { ConvolutionProblem(pass: $0, layer: layer, images: images) }
        }.filter { settings.includes($0.pass.kernel) }
    }

    func run(settings: BenchmarkSettings, report: (BenchmarkResult) -> Void) {
        let problems = problems(settings: settings)
        // One set of operands per layer, shared by its passes.
        var operands: [String: ConvolutionOperands] = [:]
        for (index, problem) in problems.enumerated() where operands[problem.layer.note] == nil {
            operands[problem.layer.note] = ConvolutionOperands(problem.geometry, images: images, seed: UInt64(index) &* 4)
        }
        let references = problems.map { referenceTiming($0, operands[$0.layer.note]!, settings: settings) }
        for (problem, reference) in zip(problems, references) {
            warnIfDifferent(problem, operands[problem.layer.note]!, expected: reference.outputs)
        }

        settings.forEachThreadCount { threads, plan in
            let fast = FastBackend()
            for (index, problem) in problems.enumerated() {
                let o = operands[problem.layer.note]!
                let timing = measure(plan) { fast.run(problem.pass, problem.geometry, images: images, o) }
                report(BenchmarkResult(
                    kernel: problem.pass.kernel, shape: problem.shape, note: problem.layer.note, threads: threads,
                    unit: unit, workPerCall: problem.flops, timing: timing,
                    reference: references[index].timing,
                    baselineRates: [], peakRate: settings.peak?.gigaflops(threads: threads)))
            }
        }
    }

    /// Times the reference on one image and scales to the batch (the naive loops do the same
    /// work per image); returns its outputs on that image too, for `warnIfDifferent`.
    private func referenceTiming(_ problem: ConvolutionProblem, _ operands: ConvolutionOperands,
                                 settings: BenchmarkSettings) -> (timing: ReferenceTiming, outputs: [[Float]]) {
        let reference = ReferenceBackend<Float>()
        let timing = measure(settings.referencePlan) { reference.run(problem.pass, problem.geometry, images: 1, operands) }
        return (ReferenceTiming(secondsPerCall: timing.secondsPerCall * Double(images), isExtrapolated: images > 1),
                operands.firstImageOutputs(of: problem.pass))
    }

    /// A fast kernel that is wrong is not fast: runs ours on the reference's image and says on
    /// stderr when an output differs beyond rounding (convolution.c is under active work).
    private func warnIfDifferent(_ problem: ConvolutionProblem, _ operands: ConvolutionOperands, expected: [[Float]]) {
        _ = FastBackend().run(problem.pass, problem.geometry, images: 1, operands)
        let g = problem.geometry
        // Each output sums at most this many products of numbers in [-1, 1] (y: the taps;
        // dW: the output positions; dx: FN·FH·FW), so rounding differences grow with it.
        let terms = max(g.taps, g.outputHeight * g.outputWidth, g.filters * g.kernelHeight * g.kernelWidth)
        let tolerance = Float(terms) * 1e-5
        let names = ["y", "dW", "db", "dx"].dropFirst(problem.pass == .forward ? 0 : 1)
        for (name, (ours, reference)) in zip(names, zip(operands.firstImageOutputs(of: problem.pass), expected)) {
            let worst = zip(ours, reference).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            if !(worst <= tolerance) {
                printToStandardError("warning: \(problem.pass.kernel) \(problem.shape) (\(problem.layer.note)): \(name) "
                                     + "differs from the reference by \(worst) on one image (tolerance \(tolerance))")
            }
        }
    }
}
