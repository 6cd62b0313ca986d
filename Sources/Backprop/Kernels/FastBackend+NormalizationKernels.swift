import CKernels

// FastBackend's batch normalization, forward and backward: each a call into the C core.

extension FastBackend: NormalizationKernels {
    public func batchNormForwardTraining(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                         gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>,
                                         epsilon: Float, momentum: Float,
                                         runningMean: UnsafeMutableBufferPointer<Float>,
                                         runningVariance: UnsafeMutableBufferPointer<Float>,
                                         normalized: UnsafeMutableBufferPointer<Float>,
                                         inverseStandardDeviation: UnsafeMutableBufferPointer<Float>,
                                         y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_batchnorm_forward_training(m, n, x.baseAddress, ldx, gamma.baseAddress, beta.baseAddress, epsilon,
                                            momentum, runningMean.baseAddress, runningVariance.baseAddress,
                                            normalized.baseAddress, inverseStandardDeviation.baseAddress,
                                            y.baseAddress, ldy),
              "ck_batchnorm_forward_training", "m \(m) n \(n) epsilon \(epsilon)")
    }

    public func batchNormForwardInference(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                          gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>,
                                          runningMean: UnsafeBufferPointer<Float>,
                                          runningVariance: UnsafeBufferPointer<Float>, epsilon: Float,
                                          y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_batchnorm_forward_inference(m, n, x.baseAddress, ldx, gamma.baseAddress, beta.baseAddress,
                                             runningMean.baseAddress, runningVariance.baseAddress, epsilon,
                                             y.baseAddress, ldy),
              "ck_batchnorm_forward_inference", "m \(m) n \(n) epsilon \(epsilon)")
    }

    public func batchNormBackward(m: Int, n: Int, dy: UnsafeBufferPointer<Float>, lddy: Int,
                                  normalized: UnsafeBufferPointer<Float>,
                                  inverseStandardDeviation: UnsafeBufferPointer<Float>,
                                  gamma: UnsafeBufferPointer<Float>,
                                  gammaGradient: UnsafeMutableBufferPointer<Float>,
                                  betaGradient: UnsafeMutableBufferPointer<Float>,
                                  dx: UnsafeMutableBufferPointer<Float>, lddx: Int) {
        check(ck_batchnorm_backward(m, n, dy.baseAddress, lddy, normalized.baseAddress,
                                    inverseStandardDeviation.baseAddress, gamma.baseAddress,
                                    gammaGradient.baseAddress, betaGradient.baseAddress, dx.baseAddress, lddx),
              "ck_batchnorm_backward", "m \(m) n \(n)")
    }
}
