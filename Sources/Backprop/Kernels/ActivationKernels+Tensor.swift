// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension ActivationKernels {
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

    /// y = tanh(x) elementwise.
    public func tanh(_ x: Tensor<Scalar>, into y: inout Tensor<Scalar>) {
        y.reshape(to: x.shape)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { tanhForward(x: px, y: $0) }
        }
    }

    /// dx = dy * (1 - y * y), where y is the forward output.
    public func tanhBackward(_ dy: Tensor<Scalar>, output y: Tensor<Scalar>, into dx: inout Tensor<Scalar>) {
        precondition(dy.shape == y.shape,
                     "tanhBackward: dy is \(dy.shapeDescription) but the cached output is \(y.shapeDescription)")
        dx.reshape(to: dy.shape)
        dy.withUnsafeBufferPointer { pdy in
            y.withUnsafeBufferPointer { py in
                dx.withUnsafeMutableBufferPointer { tanhBackward(dy: pdy, y: py, dx: $0) }
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
}
