import Backprop
import CKernels
import Testing
import TestSupport

extension SerializedCoreTests {
    /// The C core's convolution (im2col + GEMM) against ReferenceBackend<Float>'s loops over
    /// the window, on every ISA; max pooling, which only compares and adds in a fixed order,
    /// bit for bit.
    @Suite("Convolution and max pooling: C core against ReferenceBackend")
    struct ConvolutionTests {
        static let geometries: [(images: Int, geometry: ConvolutionGeometry)] = [
            (2, ConvolutionGeometry(channels: 1, height: 10, width: 10, filters: 10, kernelHeight: 3, kernelWidth: 3)),
            (5, ConvolutionGeometry(channels: 3, height: 7, width: 8, filters: 4, kernelHeight: 3, kernelWidth: 3,
                                    stride: 2, pad: 1)),
            (3, ConvolutionGeometry(channels: 2, height: 6, width: 5, filters: 3, kernelHeight: 5, kernelWidth: 5,
                                    stride: 1, pad: 2)),
            // More than 256 taps: the GEMM's K is cut into blocks.
            (6, ConvolutionGeometry(channels: 32, height: 6, width: 6, filters: 8, kernelHeight: 3, kernelWidth: 3,
                                    pad: 1)),
        ]

        @Test("Forward, dW, db and dx agree with the definition to rounding; without dx the same dW and db")
        func convolution() throws {
            var rng = SeededGenerator(seed: 81)
            let reference = ReferenceBackend<Float>(), fast = FastBackend()
            for (n, g) in Self.geometries {
                let x = Tensor(shape: [n] + g.inputShape, scalars: rng.floats(n * g.inputCount))
                let w = Tensor(shape: g.weightShape, scalars: rng.floats(g.filters * g.taps))
                let b = Tensor(shape: [g.filters], scalars: rng.floats(g.filters))
                let dy = Tensor(shape: [n] + g.outputShape, scalars: rng.floats(n * g.outputCount))
                var (yRef, dwRef, dbRef, dxRef) = (Tensor<Float>(shape: [0]), Tensor<Float>(shape: [0]),
                                                   Tensor<Float>(shape: [0]), Tensor<Float>(shape: [0]))
                reference.convolution(x, weights: w, bias: b, geometry: g, into: &yRef)
                reference.convolutionBackward(dy, input: x, weights: w, geometry: g, weightGradient: &dwRef,
                                              biasGradient: &dbRef, into: &dxRef)
                try forEachSupportedISA { isa in
                    var (y, dw, db, dx) = (Tensor<Float>(shape: [0]), Tensor<Float>(shape: [0]),
                                           Tensor<Float>(shape: [0]), Tensor<Float>(shape: [0]))
                    fast.convolution(x, weights: w, bias: b, geometry: g, into: &y)
                    fast.convolutionBackward(dy, input: x, weights: w, geometry: g, weightGradient: &dw,
                                             biasGradient: &db, into: &dx)
                    #expect(y.shape == [n] + g.outputShape && dx.shape == [n] + g.inputShape && dw.shape == g.weightShape)
                    // Sums of up to a few hundred products of values in [-1, 1].
                    expectClose(y.scalars, yRef.scalars, 2e-5 * Float(g.taps), "y \(g) on \(isa.name)")
                    expectClose(dw.scalars, dwRef.scalars, 2e-5 * Float(n * g.outputHeight * g.outputWidth), "dW \(g) on \(isa.name)")
                    expectClose(db.scalars, dbRef.scalars, 0, "db \(g) on \(isa.name)")
                    expectClose(dx.scalars, dxRef.scalars, 2e-5 * Float(g.filters * 9), "dx \(g) on \(isa.name)")
                    var (dw2, db2) = (Tensor<Float>(shape: [0]), Tensor<Float>(shape: [0]))
                    fast.convolutionParameterGradients(dy, input: x, weights: w, geometry: g, weightGradient: &dw2,
                                                       biasGradient: &db2)
                    expectSameBits(dw2.scalars, dw.scalars, "dW without dx \(g) on \(isa.name)")
                    expectSameBits(db2.scalars, db.scalars, "db without dx \(g) on \(isa.name)")
                }
            }
        }

        @Test("Max pooling: the same maxima, first-maximum argmax and dx bit for bit, with ties, stride and padding")
        func maxPooling() throws {
            var rng = SeededGenerator(seed: 82)
            let reference = ReferenceBackend<Float>(), fast = FastBackend()
            let cases = [(3, PoolingGeometry(channels: 2, height: 6, width: 6, size: 2, stride: 2)),
                         (2, PoolingGeometry(channels: 3, height: 7, width: 5, size: 3, stride: 2, pad: 1)),
                         (2, PoolingGeometry(channels: 1, height: 5, width: 5, size: 3, stride: 1))]
            for (n, g) in cases {
                // Integers in -2...2: most windows hold ties.
                var values = (0..<(n * g.inputCount)).map { _ in Float(rng.int(in: -2...2)) }
                values[3] = .nan
                let x = Tensor(shape: [n, g.channels, g.height, g.width], scalars: values)
                let dy = Tensor(shape: [n] + g.outputShape, scalars: rng.floats(n * g.outputCount))
                var (yRef, argRef, dxRef) = (Tensor<Float>(shape: [0]), [Int32](), Tensor<Float>(shape: [0]))
                reference.maxPool(x, geometry: g, into: &yRef, argmax: &argRef)
                reference.maxPoolBackward(dy, argmax: argRef, geometry: g, into: &dxRef)
                // The first maximum of the first window, found by hand.
                var first = -1
                for i in 0..<min(g.size - g.pad, g.height) {
                    for j in 0..<min(g.size - g.pad, g.width) where first < 0 || values[i * g.width + j] > values[first] || values[i * g.width + j].isNaN {
                        if first >= 0 && values[first].isNaN { continue }
                        first = i * g.width + j
                    }
                }
                #expect(Int(argRef[0]) == first, "first window's argmax \(argRef[0]), expected \(first)")
                try forEachSupportedISA { isa in
                    var (y, arg, dx) = (Tensor<Float>(shape: [0]), [Int32](), Tensor<Float>(shape: [0]))
                    fast.maxPool(x, geometry: g, into: &y, argmax: &arg)
                    fast.maxPoolBackward(dy, argmax: arg, geometry: g, into: &dx)
                    expectSameBits(y.scalars, yRef.scalars, "pooled \(g) on \(isa.name)")
                    #expect(arg == argRef, "argmax \(g) on \(isa.name)")
                    expectSameBits(dx.scalars, dxRef.scalars, "dx \(g) on \(isa.name)")
                }
            }
        }

        private func expectClose(_ actual: [Float], _ expected: [Float], _ tolerance: Float, _ what: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(actual.count == expected.count, "\(what): \(actual.count) elements, expected \(expected.count)",
                    sourceLocation: sourceLocation)
            let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance, "\(what): differs by \(worst) > \(tolerance)", sourceLocation: sourceLocation)
        }
    }
}
