// Tensor-level convolution and pooling, written once for every backend: they check shapes (a
// mismatch is a programmer error and stops with a message naming the shapes), size the output
// buffers (which allocate only when their element count changes) and call the buffer-level
// kernel. A batch is any tensor whose first dimension counts the images and whose elements
// are the images one after another (a [n, 784] MNIST batch is n 1x28x28 images).

extension ConvolutionKernels {
    /// y `[n, FN, OH, OW]` = the convolution of the n images in x with `weights` plus `bias`.
    public func convolution(_ x: Tensor<Scalar>, weights: Tensor<Scalar>, bias: Tensor<Scalar>,
                            geometry: ConvolutionGeometry, into y: inout Tensor<Scalar>) {
        let n = Self.images(in: x, each: geometry.inputCount, "convolution")
        Self.checkParameters(weights, bias, geometry, "convolution")
        y.reshape(to: [n] + geometry.outputShape)
        x.withUnsafeBufferPointer { px in
            weights.withUnsafeBufferPointer { pw in
                bias.withUnsafeBufferPointer { pb in
                    y.withUnsafeMutableBufferPointer { py in
                        convolutionForward(images: n, geometry: geometry, x: px, weights: pw, bias: pb, y: py)
                    }
                }
            }
        }
    }

    /// dW and db from dy and the forward pass's input x, and dx `[n, C, H, W]`.
    public func convolutionBackward(_ dy: Tensor<Scalar>, input x: Tensor<Scalar>, weights: Tensor<Scalar>,
                                    geometry: ConvolutionGeometry, weightGradient: inout Tensor<Scalar>,
                                    biasGradient: inout Tensor<Scalar>, into dx: inout Tensor<Scalar>) {
        dx.reshape(to: [Self.images(in: x, each: geometry.inputCount, "convolutionBackward")] + geometry.inputShape)
        dx.withUnsafeMutableBufferPointer { pdx in
            convolutionGradients(dy, input: x, weights: weights, geometry: geometry, weightGradient: &weightGradient,
                                 biasGradient: &biasGradient, dx: pdx)
        }
    }

    /// dW and db only: a network's first layer, whose dx nobody reads, skips a third of the work.
    public func convolutionParameterGradients(_ dy: Tensor<Scalar>, input x: Tensor<Scalar>, weights: Tensor<Scalar>,
                                              geometry: ConvolutionGeometry, weightGradient: inout Tensor<Scalar>,
                                              biasGradient: inout Tensor<Scalar>) {
        convolutionGradients(dy, input: x, weights: weights, geometry: geometry, weightGradient: &weightGradient,
                             biasGradient: &biasGradient, dx: nil)
    }

    private func convolutionGradients(_ dy: Tensor<Scalar>, input x: Tensor<Scalar>, weights: Tensor<Scalar>,
                                      geometry: ConvolutionGeometry, weightGradient: inout Tensor<Scalar>,
                                      biasGradient: inout Tensor<Scalar>, dx: UnsafeMutableBufferPointer<Scalar>?) {
        let n = Self.images(in: x, each: geometry.inputCount, "convolutionBackward")
        precondition(geometry.isValid && weights.shape == geometry.weightShape,
                     "convolutionBackward: weights \(weights.shapeDescription) do not fit \(geometry)")
        precondition(dy.count == n * geometry.outputCount,
                     "convolutionBackward: dy is \(dy.shapeDescription) but \(n) images give \(n)x\(geometry.outputShape)")
        weightGradient.reshape(to: geometry.weightShape)
        biasGradient.reshape(to: [geometry.filters])
        x.withUnsafeBufferPointer { px in
            weights.withUnsafeBufferPointer { pw in
                dy.withUnsafeBufferPointer { pdy in
                    weightGradient.withUnsafeMutableBufferPointer { pdw in
                        biasGradient.withUnsafeMutableBufferPointer { pdb in
                            convolutionBackward(images: n, geometry: geometry, x: px, weights: pw, dy: pdy,
                                                weightGradient: pdw, biasGradient: pdb, dx: dx)
                        }
                    }
                }
            }
        }
    }

    /// y `[n, C, OH, OW]` = max pooling of the n images in x; `argmax` (resized to y's count)
    /// keeps each window's winner for the backward pass.
    public func maxPool(_ x: Tensor<Scalar>, geometry: PoolingGeometry, into y: inout Tensor<Scalar>,
                        argmax: inout [Int32]) {
        let n = Self.images(in: x, each: geometry.inputCount, "maxPool")
        y.reshape(to: [n] + geometry.outputShape)
        if argmax.count != y.count { argmax = [Int32](repeating: 0, count: y.count) }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                argmax.withUnsafeMutableBufferPointer { pa in
                    maxPoolForward(images: n, geometry: geometry, x: px, y: py, argmax: pa)
                }
            }
        }
    }

    /// dx `[n, C, H, W]` from dy and the forward pass's argmax.
    public func maxPoolBackward(_ dy: Tensor<Scalar>, argmax: [Int32], geometry: PoolingGeometry,
                                into dx: inout Tensor<Scalar>) {
        let n = Self.images(in: dy, each: geometry.outputCount, "maxPoolBackward")
        precondition(argmax.count == dy.count,
                     "maxPoolBackward: dy is \(dy.shapeDescription) but the forward pass kept \(argmax.count) argmax values")
        dx.reshape(to: [n, geometry.channels, geometry.height, geometry.width])
        dy.withUnsafeBufferPointer { pdy in
            argmax.withUnsafeBufferPointer { pa in
                dx.withUnsafeMutableBufferPointer { pdx in
                    maxPoolBackward(images: n, geometry: geometry, dy: pdy, argmax: pa, dx: pdx)
                }
            }
        }
    }

    /// The number of images in `x` (its first dimension), checking that each holds `each` elements.
    private static func images(in x: Tensor<Scalar>, each: Int, _ what: String) -> Int {
        let n = x.rank == 0 ? 0 : x.shape[0]
        precondition(x.rank >= 2 && x.count == n * each,
                     "\(what): the batch \(x.shapeDescription) is not images of \(each) elements each")
        return n
    }

    private static func checkParameters(_ weights: Tensor<Scalar>, _ bias: Tensor<Scalar>,
                                        _ geometry: ConvolutionGeometry, _ what: String) {
        precondition(geometry.isValid, "\(what): invalid geometry \(geometry)")
        precondition(weights.shape == geometry.weightShape && bias.shape == [geometry.filters],
                     "\(what): weights \(weights.shapeDescription) and bias \(bias.shapeDescription) do not fit \(geometry)")
    }
}
