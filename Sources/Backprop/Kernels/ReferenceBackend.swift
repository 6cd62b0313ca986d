import RealModule

/// Every kernel as plain Swift loops, the way the book writes them in numpy: the definition
/// the fast C core is tested against, and the backend to read when learning.
///
/// Generic over the scalar type, so networks can run in `Double` for gradient checks.
/// Behaviour matches `ckernels.h` (NaN propagates, beta == 0 overwrites, softmax subtracts
/// the row maximum, cross-entropy goes through log-softmax); only rounding differs.
public struct ReferenceBackend<Scalar: BinaryFloatingPoint & Real & Sendable>: KernelBackend {
    public init() {}

    public var name: String { "reference" }

    public func gemm(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafeBufferPointer<Scalar>, lda: Int,
        b: UnsafeBufferPointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutableBufferPointer<Scalar>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Scalar = 0
                if alpha != 0 {
                    for p in 0..<k {
                        let aip = transposeA == .none ? a[i * lda + p] : a[p * lda + i]
                        let bpj = transposeB == .none ? b[p * ldb + j] : b[j * ldb + p]
                        sum += aip * bpj
                    }
                }
                let scaled = alpha * sum
                c[i * ldc + j] = beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
            }
        }
    }

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

    public func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                        y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        for i in 0..<m {
            _ = softmaxRow(n: n, x: x, offset: i * ldx, y: y, yOffset: i * ldy)
        }
    }

    /// Writes the softmax of one row and returns (row max, log of the sum of exp(x - max)),
    /// from which the row's log-softmax is x - max - logSum.
    private func softmaxRow(n: Int, x: UnsafeBufferPointer<Scalar>, offset: Int,
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

    private func logSoftmax(_ v: Scalar, max rowMax: Scalar, logSum: Scalar) -> Scalar {
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

    public func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                           y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        for i in 0..<m {
            for j in 0..<n {
                y[i * ldy + j] += bias[j]
            }
        }
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

    public func gatherRows(source: UnsafeBufferPointer<Scalar>, sourceRows: Int, width: Int,
                           indices: UnsafeBufferPointer<Int>, destination: UnsafeMutableBufferPointer<Scalar>) {
        for (row, index) in indices.enumerated() {
            for j in 0..<width {
                destination[row * width + j] = source[index * width + j]
            }
        }
    }

    public func columnSums(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                           sums: UnsafeMutableBufferPointer<Scalar>) {
        for j in 0..<n {
            var s: Scalar = 0
            for i in 0..<m {
                s += x[i * ldx + j]
            }
            sums[j] = s
        }
    }

    public func sgdUpdate(learningRate: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                          parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            parameter[i] -= learningRate * gradient[i]
        }
    }

    public func momentumUpdate(learningRate: Scalar, momentum: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                               velocity: UnsafeMutableBufferPointer<Scalar>,
                               parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            velocity[i] = momentum * velocity[i] - learningRate * gradient[i]
            parameter[i] += velocity[i]
        }
    }

    public func adamUpdate(correctedLearningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar,
                           gradient: UnsafeBufferPointer<Scalar>,
                           firstMoment: UnsafeMutableBufferPointer<Scalar>,
                           secondMoment: UnsafeMutableBufferPointer<Scalar>,
                           parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            let g = gradient[i]
            firstMoment[i] += (1 - beta1) * (g - firstMoment[i])
            secondMoment[i] += (1 - beta2) * (g * g - secondMoment[i])
            parameter[i] -= correctedLearningRate * firstMoment[i] / (secondMoment[i].squareRoot() + epsilon)
        }
    }
}
