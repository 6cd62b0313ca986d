// ReferenceBackend's convolution and max pooling: the definitions as plain loops over the
// window, no im2col, so the C core's lowering is tested against the formula itself.

extension ReferenceBackend: ConvolutionKernels {
    public func convolutionForward(images: Int, geometry g: ConvolutionGeometry, x: UnsafeBufferPointer<Scalar>,
                                   weights: UnsafeBufferPointer<Scalar>, bias: UnsafeBufferPointer<Scalar>,
                                   y: UnsafeMutableBufferPointer<Scalar>) {
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        for n in 0..<images {
            for f in 0..<g.filters {
                for r in 0..<oh {
                    for q in 0..<ow {
                        var sum: Scalar = 0
                        forEachTap(g, image: n, filter: f, row: r, column: q) { xi, wi in sum += weights[wi] * x[xi] }
                        y[((n * g.filters + f) * oh + r) * ow + q] = sum + bias[f]
                    }
                }
            }
        }
    }

    public func convolutionBackward(images: Int, geometry g: ConvolutionGeometry, x: UnsafeBufferPointer<Scalar>,
                                    weights: UnsafeBufferPointer<Scalar>, dy: UnsafeBufferPointer<Scalar>,
                                    weightGradient: UnsafeMutableBufferPointer<Scalar>,
                                    biasGradient: UnsafeMutableBufferPointer<Scalar>,
                                    dx: UnsafeMutableBufferPointer<Scalar>?) {
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        weightGradient.update(repeating: 0)
        biasGradient.update(repeating: 0)
        dx?.update(repeating: 0)
        for n in 0..<images {
            for f in 0..<g.filters {
                for r in 0..<oh {
                    for q in 0..<ow {
                        let d = dy[((n * g.filters + f) * oh + r) * ow + q]
                        biasGradient[f] += d
                        forEachTap(g, image: n, filter: f, row: r, column: q) { xi, wi in
                            weightGradient[wi] += d * x[xi]
                            dx?[xi] += d * weights[wi]
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(x index, weight index)` for each tap of filter f's window at output (r, q)
    /// of image n that falls inside the input (padding contributes zeros), in (c, i, j) order.
    private func forEachTap(_ g: ConvolutionGeometry, image n: Int, filter f: Int, row r: Int, column q: Int,
                            _ body: (Int, Int) -> Void) {
        for c in 0..<g.channels {
            for i in 0..<g.kernelHeight {
                let ih = r * g.stride - g.pad + i
                guard ih >= 0 && ih < g.height else { continue }
                for j in 0..<g.kernelWidth {
                    let iw = q * g.stride - g.pad + j
                    guard iw >= 0 && iw < g.width else { continue }
                    body(((n * g.channels + c) * g.height + ih) * g.width + iw,
                         ((f * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j)
                }
            }
        }
    }

    public func maxPoolForward(images: Int, geometry g: PoolingGeometry, x: UnsafeBufferPointer<Scalar>,
                               y: UnsafeMutableBufferPointer<Scalar>, argmax: UnsafeMutableBufferPointer<Int32>) {
        let (oh, ow, plane) = (g.outputHeight, g.outputWidth, g.height * g.width)
        for p in 0..<(images * g.channels) {
            for r in 0..<oh {
                for q in 0..<ow {
                    var best = -1
                    for i in 0..<g.size {
                        let ih = r * g.stride - g.pad + i
                        guard ih >= 0 && ih < g.height else { continue }
                        for j in 0..<g.size {
                            let iw = q * g.stride - g.pad + j
                            guard iw >= 0 && iw < g.width else { continue }
                            let at = ih * g.width + iw
                            // The first maximum; a NaN beats every number, the first NaN the rest.
                            if best < 0 { best = at; continue }
                            let (v, b) = (x[p * plane + at], x[p * plane + best])
                            if !b.isNaN && (v > b || v.isNaN) { best = at }
                        }
                    }
                    y[(p * oh + r) * ow + q] = x[p * plane + best]
                    argmax[(p * oh + r) * ow + q] = Int32(best)
                }
            }
        }
    }

    public func maxPoolBackward(images: Int, geometry g: PoolingGeometry, dy: UnsafeBufferPointer<Scalar>,
                                argmax: UnsafeBufferPointer<Int32>, dx: UnsafeMutableBufferPointer<Scalar>) {
        let (outPlane, plane) = (g.outputHeight * g.outputWidth, g.height * g.width)
        dx.update(repeating: 0)
        for p in 0..<(images * g.channels) {
            for o in 0..<outPlane {
                let at = Int(argmax[p * outPlane + o])
                precondition(at >= 0 && at < plane, "maxPoolBackward: argmax \(at) is outside the \(g.height)x\(g.width) plane")
                dx[p * plane + at] += dy[p * outPlane + o]
            }
        }
    }
}
