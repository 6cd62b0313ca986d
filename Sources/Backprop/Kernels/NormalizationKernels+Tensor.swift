// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffers
// (which allocate only when their element count changes) and call the buffer-level kernel.

extension NormalizationKernels {
    /// The training pass of batch normalization over the matrix view of x (one feature per
    /// column): y takes x's shape, `normalized` becomes the m x n xhat and
    /// `inverseStandardDeviation` the n values 1 / sqrt(variance + epsilon) that
    /// ``batchNormBackward(_:normalized:inverseStandardDeviation:gamma:gammaGradient:betaGradient:into:)``
    /// needs; the running statistics are updated in place.
    public func batchNormTraining(_ x: Tensor<Scalar>, gamma: Tensor<Scalar>, beta: Tensor<Scalar>,
                                  epsilon: Scalar, momentum: Scalar,
                                  runningMean: inout Tensor<Scalar>, runningVariance: inout Tensor<Scalar>,
                                  normalized: inout Tensor<Scalar>, inverseStandardDeviation: inout Tensor<Scalar>,
                                  into y: inout Tensor<Scalar>) {
        let (m, n) = (x.rows, x.columns)
        Self.checkFeatures(n, x, [gamma, beta, runningMean, runningVariance], "batchNormTraining")
        y.reshape(to: x.shape)
        normalized.reshape(to: [m, n])
        inverseStandardDeviation.reshape(to: [n])
        x.withUnsafeBufferPointer { px in
            gamma.withUnsafeBufferPointer { pg in
                beta.withUnsafeBufferPointer { pb in
                    runningMean.withUnsafeMutableBufferPointer { pm in
                        runningVariance.withUnsafeMutableBufferPointer { pv in
                            normalized.withUnsafeMutableBufferPointer { ph in
                                inverseStandardDeviation.withUnsafeMutableBufferPointer { ps in
                                    y.withUnsafeMutableBufferPointer { py in
                                        batchNormForwardTraining(m: m, n: n, x: px, ldx: n, gamma: pg, beta: pb,
                                                                 epsilon: epsilon, momentum: momentum,
                                                                 runningMean: pm, runningVariance: pv, normalized: ph,
                                                                 inverseStandardDeviation: ps, y: py, ldy: n)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The inference pass of batch normalization from the running statistics; y takes x's shape.
    public func batchNormInference(_ x: Tensor<Scalar>, gamma: Tensor<Scalar>, beta: Tensor<Scalar>,
                                   runningMean: Tensor<Scalar>, runningVariance: Tensor<Scalar>, epsilon: Scalar,
                                   into y: inout Tensor<Scalar>) {
        let (m, n) = (x.rows, x.columns)
        Self.checkFeatures(n, x, [gamma, beta, runningMean, runningVariance], "batchNormInference")
        y.reshape(to: x.shape)
        x.withUnsafeBufferPointer { px in
            gamma.withUnsafeBufferPointer { pg in
                beta.withUnsafeBufferPointer { pb in
                    runningMean.withUnsafeBufferPointer { pm in
                        runningVariance.withUnsafeBufferPointer { pv in
                            y.withUnsafeMutableBufferPointer { py in
                                batchNormForwardInference(m: m, n: n, x: px, ldx: n, gamma: pg, beta: pb,
                                                          runningMean: pm, runningVariance: pv, epsilon: epsilon,
                                                          y: py, ldy: n)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The backward pass of batch normalization from the training pass's `normalized` (xhat) and
    /// `inverseStandardDeviation`: dgamma and dbeta (n values each) and dx in dy's shape.
    public func batchNormBackward(_ dy: Tensor<Scalar>, normalized: Tensor<Scalar>,
                                  inverseStandardDeviation: Tensor<Scalar>, gamma: Tensor<Scalar>,
                                  gammaGradient: inout Tensor<Scalar>, betaGradient: inout Tensor<Scalar>,
                                  into dx: inout Tensor<Scalar>) {
        let (m, n) = (dy.rows, dy.columns)
        precondition(normalized.shape == [m, n],
                     "batchNormBackward: dy is \(dy.shapeDescription) but the cached xhat is \(normalized.shapeDescription)")
        Self.checkFeatures(n, dy, [inverseStandardDeviation, gamma], "batchNormBackward")
        gammaGradient.reshape(to: [n])
        betaGradient.reshape(to: [n])
        dx.reshape(to: dy.shape)
        dy.withUnsafeBufferPointer { pdy in
            normalized.withUnsafeBufferPointer { ph in
                inverseStandardDeviation.withUnsafeBufferPointer { ps in
                    gamma.withUnsafeBufferPointer { pg in
                        gammaGradient.withUnsafeMutableBufferPointer { pdg in
                            betaGradient.withUnsafeMutableBufferPointer { pdb in
                                dx.withUnsafeMutableBufferPointer { pdx in
                                    batchNormBackward(m: m, n: n, dy: pdy, lddy: n, normalized: ph,
                                                      inverseStandardDeviation: ps, gamma: pg, gammaGradient: pdg,
                                                      betaGradient: pdb, dx: pdx, lddx: n)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func checkFeatures(_ n: Int, _ x: Tensor<Scalar>, _ vectors: [Tensor<Scalar>], _ what: String) {
        for vector in vectors {
            precondition(vector.count == n,
                         "\(what): the batch \(x.shapeDescription) has \(n) features but a per-feature vector has \(vector.count)")
        }
    }
}
