import RealModule

// ReferenceBackend's activation functions (ReLU, sigmoid, tanh, softmax), forward and backward: as plain loops, the definition the C core is tested against.

extension ReferenceBackend: ActivationKernels {
    public func reluForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>,
                            mask: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<x.count {
            // `!(x <= 0)` rather than `x > 0`: NaN lets the gradient through and stays NaN.
            let passes = !(x[i] <= 0)
            mask[i] = passes ? 1 : 0
            y[i] = passes ? x[i] : 0
        }
    }

    public func reluBackward(dy: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<UInt8>,
                             dx: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<dy.count {
            dx[i] = mask[i] != 0 ? dy[i] : 0
        }
    }

    public func sigmoidForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<x.count {
            // Both branches only ever exponentiate a non-positive number: nothing overflows.
            if x[i] >= 0 {
                y[i] = 1 / (1 + Scalar.exp(-x[i]))
            } else {
                let e = Scalar.exp(x[i])
                y[i] = e / (1 + e)
            }
        }
    }

    public func sigmoidBackward(dy: UnsafeBufferPointer<Scalar>, y: UnsafeBufferPointer<Scalar>,
                                dx: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<dy.count {
            dx[i] = dy[i] * (1 - y[i]) * y[i]
        }
    }

    public func tanhForward(x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<x.count {
            y[i] = Scalar.tanh(x[i])
        }
    }

    public func tanhBackward(dy: UnsafeBufferPointer<Scalar>, y: UnsafeBufferPointer<Scalar>,
                             dx: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<dy.count {
            dx[i] = dy[i] * (1 - y[i] * y[i])
        }
    }

    public func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                        y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        for i in 0..<m {
            _ = softmaxRow(n: n, x: x, offset: i * ldx, y: y, yOffset: i * ldy)
        }
    }

    /// Writes the softmax of one row and returns (row max, log of the sum of exp(x - max)),
    /// from which the row's log-softmax is x - max - logSum.
    func softmaxRow(n: Int, x: UnsafeBufferPointer<Scalar>, offset: Int,
                            y: UnsafeMutableBufferPointer<Scalar>, yOffset: Int) -> (max: Scalar, logSum: Scalar) {
        guard n > 0 else { return (0, 0) }
        var rowMax = -Scalar.infinity
        var sawNaN = false
        for j in 0..<n {
            let v = x[offset + j]
            if v.isNaN { sawNaN = true }
            if v > rowMax { rowMax = v }
        }
        if sawNaN { rowMax = .nan }
        var sum: Scalar = 0
        for j in 0..<n {
            // A +Inf maximum: exp(Inf - Inf) would be NaN; +Inf entries share the mass instead.
            let shifted = rowMax == .infinity ? (x[offset + j] == .infinity ? 0 : -Scalar.infinity)
                                              : x[offset + j] - rowMax
            let e = Scalar.exp(shifted)
            y[yOffset + j] = e
            sum += e
        }
        for j in 0..<n {
            y[yOffset + j] /= sum
        }
        return (rowMax, Scalar.log(sum))
    }

    public func addRowBiasRelu(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                               y: UnsafeMutableBufferPointer<Scalar>, ldy: Int,
                               mask: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<m {
            for j in 0..<n {
                let v = y[i * ldy + j] + bias[j]
                let passes = !(v <= 0)
                mask[i * n + j] = passes ? 1 : 0
                y[i * ldy + j] = passes ? v : 0
            }
        }
    }
}
