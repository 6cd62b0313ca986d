import RealModule

// ReferenceBackend's losses that close a network (softmax with cross-entropy, sigmoid with squared error or binary cross-entropy, identity with squared error), forward and backward: as plain loops, the definition the C core is tested against.

extension ReferenceBackend: LossKernels {
    func logSoftmax(_ v: Scalar, max rowMax: Scalar, logSum: Scalar) -> Scalar {
        rowMax == .infinity ? (v == .infinity ? -logSum : -Scalar.infinity) : v - rowMax - logSum
    }

    public func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                           t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                           y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar {
        guard m > 0 else { return 0 }
        var total: Scalar = 0
        for i in 0..<m {
            let (rowMax, logSum) = softmaxRow(n: n, x: x, offset: i * ldx, y: y, yOffset: i * ldy)
            for j in 0..<n where t[i * ldt + j] != 0 {
                total -= t[i * ldt + j] * logSoftmax(x[i * ldx + j], max: rowMax, logSum: logSum)
            }
        }
        return total / Scalar(m)
    }

    public func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                           labels: UnsafeBufferPointer<Int32>,
                                           y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar {
        guard m > 0 else { return 0 }
        var total: Scalar = 0
        for i in 0..<m {
            let (rowMax, logSum) = softmaxRow(n: n, x: x, offset: i * ldx, y: y, yOffset: i * ldy)
            total -= logSoftmax(x[i * ldx + Int(labels[i])], max: rowMax, logSum: logSum)
        }
        return total / Scalar(m)
    }

    public func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                            t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                            dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int) {
        let scale = 1 / Scalar(max(m, 1))
        for i in 0..<m {
            for j in 0..<n {
                dx[i * lddx + j] = (y[i * ldy + j] - t[i * ldt + j]) * scale
            }
        }
    }

    public func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                            labels: UnsafeBufferPointer<Int32>,
                                            dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int) {
        let scale = 1 / Scalar(max(m, 1))
        for i in 0..<m {
            for j in 0..<n {
                let target: Scalar = j == Int(labels[i]) ? 1 : 0
                dx[i * lddx + j] = (y[i * ldy + j] - target) * scale
            }
        }
    }

    /// log(1 + exp(v)) without overflow.
    private func softplus(_ v: Scalar) -> Scalar {
        Swift.max(v, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs(v)))
    }

    public func sigmoidLossForward(_ loss: SigmoidLoss, m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                   t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                   y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar {
        guard m > 0 else { return 0 }
        var total: Scalar = 0
        for i in 0..<m {
            for j in 0..<n {
                let logit = x[i * ldx + j], target = t[i * ldt + j]
                let output = 1 / (1 + Scalar.exp(-logit))
                y[i * ldy + j] = output
                switch loss {
                case .squaredError:
                    total += (output - target) * (output - target) / 2
                case .binaryCrossEntropy:
                    // log y = -softplus(-x), log(1 - y) = -softplus(x): finite for any finite x.
                    total += target * softplus(-logit) + (1 - target) * softplus(logit)
                }
            }
        }
        return total / Scalar(m)
    }

    public func sigmoidLossBackward(_ loss: SigmoidLoss, m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                    t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                    dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int) {
        let scale = 1 / Scalar(max(m, 1))
        for i in 0..<m {
            for j in 0..<n {
                let output = y[i * ldy + j]
                let delta = output - t[i * ldt + j]
                dx[i * lddx + j] = loss == .squaredError ? delta * output * (1 - output) * scale : delta * scale
            }
        }
    }

    public func identitySquaredErrorForward(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                                            t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                            y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) -> Scalar {
        guard m > 0 else { return 0 }
        var total: Scalar = 0
        for i in 0..<m {
            for j in 0..<n {
                let difference = x[i * ldx + j] - t[i * ldt + j]
                y[i * ldy + j] = x[i * ldx + j]
                total += difference * difference / 2
            }
        }
        return total / Scalar(m)
    }

    public func identitySquaredErrorBackward(m: Int, n: Int, y: UnsafeBufferPointer<Scalar>, ldy: Int,
                                             t: UnsafeBufferPointer<Scalar>, ldt: Int,
                                             dx: UnsafeMutableBufferPointer<Scalar>, lddx: Int) {
        let scale = 1 / Scalar(max(m, 1))
        for i in 0..<m {
            for j in 0..<n {
                dx[i * lddx + j] = (y[i * ldy + j] - t[i * ldt + j]) * scale
            }
        }
    }
}
