// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension LossKernels {
    /// y = softmax(x) and the mean cross-entropy loss against `targets`.
    public func softmaxCrossEntropy(_ x: Tensor<Scalar>, targets: Targets<Scalar>,
                                    into y: inout Tensor<Scalar>) -> Scalar {
        let (m, n) = (x.rows, x.columns)
        y.reshape(to: x.shape)
        switch targets {
        case .oneHot(let t), .values(let t):
            precondition(t.rows == m && t.columns == n,
                         "softmaxCrossEntropy: scores are \(x.shapeDescription) but targets are \(t.shapeDescription)")
            return x.withUnsafeBufferPointer { px in
                t.withUnsafeBufferPointer { pt in
                    y.withUnsafeMutableBufferPointer {
                        softmaxCrossEntropyForward(m: m, n: n, x: px, ldx: n, t: pt, ldt: n, y: $0, ldy: n)
                    }
                }
            }
        case .labels(let labels):
            Self.checkLabels(labels, rows: m, classes: n, scores: x)
            return x.withUnsafeBufferPointer { px in
                labels.withUnsafeBufferPointer { pl in
                    y.withUnsafeMutableBufferPointer {
                        softmaxCrossEntropyForward(m: m, n: n, x: px, ldx: n, labels: pl, y: $0, ldy: n)
                    }
                }
            }
        }
    }

    /// dx = (y - t) / m for the softmax output y.
    public func softmaxCrossEntropyBackward(output y: Tensor<Scalar>, targets: Targets<Scalar>,
                                            into dx: inout Tensor<Scalar>) {
        let (m, n) = (y.rows, y.columns)
        dx.reshape(to: y.shape)
        switch targets {
        case .oneHot(let t), .values(let t):
            precondition(t.rows == m && t.columns == n,
                         "softmaxCrossEntropyBackward: output is \(y.shapeDescription) but targets are \(t.shapeDescription)")
            y.withUnsafeBufferPointer { py in
                t.withUnsafeBufferPointer { pt in
                    dx.withUnsafeMutableBufferPointer {
                        softmaxCrossEntropyBackward(m: m, n: n, y: py, ldy: n, t: pt, ldt: n, dx: $0, lddx: n)
                    }
                }
            }
        case .labels(let labels):
            Self.checkLabels(labels, rows: m, classes: n, scores: y)
            y.withUnsafeBufferPointer { py in
                labels.withUnsafeBufferPointer { pl in
                    dx.withUnsafeMutableBufferPointer {
                        softmaxCrossEntropyBackward(m: m, n: n, y: py, ldy: n, labels: pl, dx: $0, lddx: n)
                    }
                }
            }
        }
    }

    private static func checkLabels(_ labels: [Int32], rows m: Int, classes n: Int, scores: Tensor<Scalar>) {
        precondition(labels.count == m,
                     "softmaxCrossEntropy: scores are \(scores.shapeDescription) but there are \(labels.count) labels")
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= n }) {
            preconditionFailure("softmaxCrossEntropy: label \(labels[bad]) at row \(bad) is outside 0..<\(n)")
        }
    }

    /// y = sigmoid(x) and the mean `loss` against the real-valued targets `t` (x's shape).
    public func sigmoidLoss(_ loss: SigmoidLoss, _ x: Tensor<Scalar>, targets t: Tensor<Scalar>,
                            into y: inout Tensor<Scalar>) -> Scalar {
        let (m, n) = (x.rows, x.columns)
        precondition(t.rows == m && t.columns == n,
                     "sigmoidLoss: scores are \(x.shapeDescription) but targets are \(t.shapeDescription)")
        if y.shape != x.shape { y.reshape(to: x.shape) }
        return x.withUnsafeBufferPointer { px in
            t.withUnsafeBufferPointer { pt in
                y.withUnsafeMutableBufferPointer {
                    sigmoidLossForward(loss, m: m, n: n, x: px, ldx: n, t: pt, ldt: n, y: $0, ldy: n)
                }
            }
        }
    }

    /// dL/dx of ``sigmoidLoss(_:_:targets:into:)`` from its outputs y.
    public func sigmoidLossBackward(_ loss: SigmoidLoss, output y: Tensor<Scalar>, targets t: Tensor<Scalar>,
                                    into dx: inout Tensor<Scalar>) {
        let (m, n) = (y.rows, y.columns)
        precondition(t.rows == m && t.columns == n,
                     "sigmoidLossBackward: output is \(y.shapeDescription) but targets are \(t.shapeDescription)")
        if dx.shape != y.shape { dx.reshape(to: y.shape) }
        y.withUnsafeBufferPointer { py in
            t.withUnsafeBufferPointer { pt in
                dx.withUnsafeMutableBufferPointer {
                    sigmoidLossBackward(loss, m: m, n: n, y: py, ldy: n, t: pt, ldt: n, dx: $0, lddx: n)
                }
            }
        }
    }

    /// y = x and the mean half squared error against the real-valued targets `t` (x's shape):
    /// the forward pass of ``IdentityWithLoss``.
    public func identitySquaredError(_ x: Tensor<Scalar>, targets t: Tensor<Scalar>,
                                     into y: inout Tensor<Scalar>) -> Scalar {
        let (m, n) = (x.rows, x.columns)
        precondition(t.rows == m && t.columns == n,
                     "identitySquaredError: scores are \(x.shapeDescription) but targets are \(t.shapeDescription)")
        if y.shape != x.shape { y.reshape(to: x.shape) }
        return x.withUnsafeBufferPointer { px in
            t.withUnsafeBufferPointer { pt in
                y.withUnsafeMutableBufferPointer {
                    identitySquaredErrorForward(m: m, n: n, x: px, ldx: n, t: pt, ldt: n, y: $0, ldy: n)
                }
            }
        }
    }

    /// dL/dx = (y - t) / m of ``identitySquaredError(_:targets:into:)`` from its outputs y.
    public func identitySquaredErrorBackward(output y: Tensor<Scalar>, targets t: Tensor<Scalar>,
                                             into dx: inout Tensor<Scalar>) {
        let (m, n) = (y.rows, y.columns)
        precondition(t.rows == m && t.columns == n,
                     "identitySquaredErrorBackward: output is \(y.shapeDescription) but targets are \(t.shapeDescription)")
        if dx.shape != y.shape { dx.reshape(to: y.shape) }
        y.withUnsafeBufferPointer { py in
            t.withUnsafeBufferPointer { pt in
                dx.withUnsafeMutableBufferPointer {
                    identitySquaredErrorBackward(m: m, n: n, y: py, ldy: n, t: pt, ldt: n, dx: $0, lddx: n)
                }
            }
        }
    }
}
