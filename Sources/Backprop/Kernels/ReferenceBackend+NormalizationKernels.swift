// ReferenceBackend's batch normalization: the book's formulas as plain loops, with the same
// steps in Double as the C core (`ckernels.h`), so that in Float the two agree bit for bit.

extension ReferenceBackend: NormalizationKernels {
    public func batchNormForwardTraining(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                         gamma: UnsafeBufferPointer<Scalar>, beta: UnsafeBufferPointer<Scalar>,
                                         epsilon: Scalar, momentum: Scalar,
                                         runningMean: UnsafeMutableBufferPointer<Scalar>,
                                         runningVariance: UnsafeMutableBufferPointer<Scalar>,
                                         normalized: UnsafeMutableBufferPointer<Scalar>,
                                         inverseStandardDeviation: UnsafeMutableBufferPointer<Scalar>,
                                         y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        guard m > 0 else { return }
        let keep = Double(momentum), take = 1 - keep
        for j in 0..<n {
            var mean = 0.0
            for i in 0..<m { mean += Double(x[i * ldx + j]) }
            mean /= Double(m)
            var variance = 0.0
            for i in 0..<m {
                let d = Double(x[i * ldx + j]) - mean
                variance += d * d
            }
            variance /= Double(m)
            let inverse = 1 / (variance + Double(epsilon)).squareRoot()
            inverseStandardDeviation[j] = Scalar(inverse)
            runningMean[j] = Scalar(keep * Double(runningMean[j]) + take * mean)
            runningVariance[j] = Scalar(keep * Double(runningVariance[j]) + take * variance)
            for i in 0..<m {
                let h = (Double(x[i * ldx + j]) - mean) * inverse
                normalized[i * n + j] = Scalar(h)
                y[i * ldy + j] = Scalar(Double(gamma[j]) * h + Double(beta[j]))
            }
        }
    }

    public func batchNormForwardInference(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                          gamma: UnsafeBufferPointer<Scalar>, beta: UnsafeBufferPointer<Scalar>,
                                          runningMean: UnsafeBufferPointer<Scalar>,
                                          runningVariance: UnsafeBufferPointer<Scalar>, epsilon: Scalar,
                                          y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        guard m > 0 else { return }
        for j in 0..<n {
            let inverse = 1 / (Double(runningVariance[j]) + Double(epsilon)).squareRoot()
            for i in 0..<m {
                let h = (Double(x[i * ldx + j]) - Double(runningMean[j])) * inverse
                y[i * ldy + j] = Scalar(Double(gamma[j]) * h + Double(beta[j]))
            }
        }
    }

    public func batchNormBackward(m: Int, n: Int, dy: UnsafeBufferPointer<Scalar>, lddy: Int,
                                  normalized: UnsafeBufferPointer<Scalar>,
                                  inverseStandardDeviation: UnsafeBufferPointer<Scalar>,
                                  gamma: UnsafeBufferPointer<Scalar>,
                                  gammaGradient: UnsafeMutableBufferPointer<Scalar>,
                                  betaGradient: UnsafeMutableBufferPointer<Scalar>,
                                  dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int) {
        for j in 0..<n {
            var sumDy = 0.0, sumDyXhat = 0.0
            for i in 0..<m {
                let d = Double(dy[i * lddy + j])
                sumDy += d
                sumDyXhat += d * Double(normalized[i * n + j])
            }
            betaGradient[j] = Scalar(sumDy)
            gammaGradient[j] = Scalar(sumDyXhat)
            guard m > 0 else { continue }
            let coefficient = Double(gamma[j]) * Double(inverseStandardDeviation[j])
            let meanDy = sumDy / Double(m), meanDyXhat = sumDyXhat / Double(m)
            for i in 0..<m {
                let centred = (Double(dy[i * lddy + j]) - meanDy) - Double(normalized[i * n + j]) * meanDyXhat
                dx[i * lddx + j] = Scalar(coefficient * centred)
            }
        }
    }
}
