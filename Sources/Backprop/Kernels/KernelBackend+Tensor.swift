// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension KernelBackend {
    /// c = alpha * op(a) * op(b) + beta * c on the matrix views of the tensors.
    ///
    /// With `beta == 0` (the default) `c` is reshaped to `[m, n]` and overwritten; otherwise it
    /// must already be m x n.
    public func matmul(
        _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, into c: inout Tensor<Scalar>,
        transposeA: Transpose = .none, transposeB: Transpose = .none,
        alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let (m, ka) = transposeA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transposeB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(ka == kb, """
            matmul: inner dimensions differ: op(a) is \(m)x\(ka) (a \(a.shapeDescription)\
            \(transposeA == .none ? "" : " transposed")), op(b) is \(kb)x\(n) \
            (b \(b.shapeDescription)\(transposeB == .none ? "" : " transposed"))
            """)
        if beta == 0 {
            // Compared first: the literal [m, n] is itself a heap allocation, on every call.
            if c.rank != 2 || c.shape[0] != m || c.shape[1] != n { c.reshape(to: [m, n]) }
        } else {
            precondition(c.rows == m && c.columns == n,
                         "matmul: c is \(c.shapeDescription) but op(a)*op(b) is \(m)x\(n)")
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka,
                         alpha: alpha, a: pa, lda: a.columns, b: pb, ldb: b.columns,
                         beta: beta, c: pc, ldc: n)
                }
            }
        }
    }

    /// y = relu(x) elementwise (y takes x's shape) and the mask of passing gradients.
    public func relu(_ x: Tensor<Scalar>, into y: inout Tensor<Scalar>, mask: inout [UInt8]) {
        y.reshape(to: x.shape)
        if mask.count != x.count { mask = Array(repeating: 0, count: x.count) }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                mask.withUnsafeMutableBufferPointer { reluForward(x: px, y: py, mask: $0) }
            }
        }
    }

    /// dx = dy where the forward pass let the gradient through, else 0.
    public func reluBackward(_ dy: Tensor<Scalar>, mask: [UInt8], into dx: inout Tensor<Scalar>) {
        precondition(dy.count == mask.count,
                     "reluBackward: dy is \(dy.shapeDescription) (\(dy.count) elements) but the mask has \(mask.count)")
        dx.reshape(to: dy.shape)
        dy.withUnsafeBufferPointer { pdy in
            mask.withUnsafeBufferPointer { pm in
                dx.withUnsafeMutableBufferPointer { reluBackward(dy: pdy, mask: pm, dx: $0) }
            }
        }
    }

    /// y = sigmoid(x) elementwise.
    public func sigmoid(_ x: Tensor<Scalar>, into y: inout Tensor<Scalar>) {
        y.reshape(to: x.shape)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { sigmoidForward(x: px, y: $0) }
        }
    }

    /// dx = dy * (1 - y) * y, where y is the forward output.
    public func sigmoidBackward(_ dy: Tensor<Scalar>, output y: Tensor<Scalar>, into dx: inout Tensor<Scalar>) {
        precondition(dy.shape == y.shape,
                     "sigmoidBackward: dy is \(dy.shapeDescription) but the cached output is \(y.shapeDescription)")
        dx.reshape(to: dy.shape)
        dy.withUnsafeBufferPointer { pdy in
            y.withUnsafeBufferPointer { py in
                dx.withUnsafeMutableBufferPointer { sigmoidBackward(dy: pdy, y: py, dx: $0) }
            }
        }
    }

    /// Row-wise softmax of the matrix view of x.
    public func softmax(_ x: Tensor<Scalar>, into y: inout Tensor<Scalar>) {
        y.reshape(to: x.shape)
        let (m, n) = (x.rows, x.columns)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { softmax(m: m, n: n, x: px, ldx: n, y: $0, ldy: n) }
        }
    }

    /// y = softmax(x) and the mean cross-entropy loss against `targets`.
    public func softmaxCrossEntropy(_ x: Tensor<Scalar>, targets: Targets<Scalar>,
                                    into y: inout Tensor<Scalar>) -> Scalar {
        let (m, n) = (x.rows, x.columns)
        y.reshape(to: x.shape)
        switch targets {
        case .oneHot(let t):
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
        case .oneHot(let t):
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

    /// y[i, j] += bias[j] on the matrix view of y.
    public func addRowBias(_ bias: Tensor<Scalar>, to y: inout Tensor<Scalar>) {
        let (m, n) = (y.rows, y.columns)
        precondition(bias.count == n, "addRowBias: bias has \(bias.count) elements but y is \(y.shapeDescription)")
        bias.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { addRowBias(m: m, n: n, bias: pb, y: $0, ldy: n) }
        }
    }

    /// y = relu(y + bias) in place, with the ReLU mask: an affine layer's epilogue fused with
    /// the ReLU that follows it.
    public func addRowBiasRelu(_ bias: Tensor<Scalar>, to y: inout Tensor<Scalar>, mask: inout [UInt8]) {
        let (m, n) = (y.rows, y.columns)
        precondition(bias.count == n, "addRowBiasRelu: bias has \(bias.count) elements but y is \(y.shapeDescription)")
        if mask.count != y.count { mask = Array(repeating: 0, count: y.count) }
        bias.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { py in
                mask.withUnsafeMutableBufferPointer { addRowBiasRelu(m: m, n: n, bias: pb, y: py, ldy: n, mask: $0) }
            }
        }
    }

    /// Makes `destination` hold the rows of `source` at `indices` (which may repeat), with
    /// `source`'s trailing dimensions: how a minibatch is drawn. The storage of `destination`
    /// is reused when its element count does not change.
    public func gatherRows(of source: Tensor<Scalar>, at indices: [Int], into destination: inout Tensor<Scalar>) {
        let (sourceRows, width) = (source.rows, source.columns)
        if let bad = indices.first(where: { $0 < 0 || $0 >= sourceRows }) {
            preconditionFailure("gatherRows: row index \(bad) is outside 0..<\(sourceRows) of \(source.shapeDescription)")
        }
        destination.reshapeRows(to: indices.count, like: source)
        source.withUnsafeBufferPointer { from in
            indices.withUnsafeBufferPointer { rows in
                destination.withUnsafeMutableBufferPointer {
                    gatherRows(source: from, sourceRows: sourceRows, width: width, indices: rows, destination: $0)
                }
            }
        }
    }

    /// sums = the column sums of the matrix view of x, shaped `[x.columns]`.
    public func columnSums(_ x: Tensor<Scalar>, into sums: inout Tensor<Scalar>) {
        let (m, n) = (x.rows, x.columns)
        if sums.rank != 1 || sums.shape[0] != n { sums.reshape(to: [n]) }
        x.withUnsafeBufferPointer { px in
            sums.withUnsafeMutableBufferPointer { columnSums(m: m, n: n, x: px, ldx: n, sums: $0) }
        }
    }

    /// parameter -= learningRate * gradient.
    public func sgdUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, learningRate: Scalar) {
        Self.checkSameShape(parameter, gradient, "sgdUpdate")
        gradient.withUnsafeBufferPointer { pg in
            parameter.withUnsafeMutableBufferPointer { sgdUpdate(learningRate: learningRate, gradient: pg, parameter: $0) }
        }
    }

    /// velocity = momentum * velocity - learningRate * gradient; parameter += velocity.
    public func momentumUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                               velocity: inout Tensor<Scalar>, learningRate: Scalar, momentum: Scalar) {
        Self.checkSameShape(parameter, gradient, "momentumUpdate")
        Self.checkSameShape(parameter, velocity, "momentumUpdate (velocity)")
        gradient.withUnsafeBufferPointer { pg in
            velocity.withUnsafeMutableBufferPointer { pv in
                parameter.withUnsafeMutableBufferPointer {
                    momentumUpdate(learningRate: learningRate, momentum: momentum, gradient: pg, velocity: pv, parameter: $0)
                }
            }
        }
    }

    /// One Adam step with the bias-corrected learning rate (see ``Adam``).
    public func adamUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                           firstMoment: inout Tensor<Scalar>, secondMoment: inout Tensor<Scalar>,
                           correctedLearningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar) {
        Self.checkSameShape(parameter, gradient, "adamUpdate")
        Self.checkSameShape(parameter, firstMoment, "adamUpdate (first moment)")
        Self.checkSameShape(parameter, secondMoment, "adamUpdate (second moment)")
        gradient.withUnsafeBufferPointer { pg in
            firstMoment.withUnsafeMutableBufferPointer { pm in
                secondMoment.withUnsafeMutableBufferPointer { pv in
                    parameter.withUnsafeMutableBufferPointer {
                        adamUpdate(correctedLearningRate: correctedLearningRate, beta1: beta1, beta2: beta2,
                                   epsilon: epsilon, gradient: pg, firstMoment: pm, secondMoment: pv, parameter: $0)
                    }
                }
            }
        }
    }

    private static func checkSameShape(_ p: Tensor<Scalar>, _ g: Tensor<Scalar>, _ what: String) {
        precondition(p.shape == g.shape, "\(what): parameter is \(p.shapeDescription) but the other operand is \(g.shapeDescription)")
    }
}
