import CKernels

// FastBackend's activation functions (ReLU, sigmoid, tanh, softmax), forward and backward: each a call into the C core.

extension FastBackend: ActivationKernels {
    public func reluForward(x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>,
                            mask: UnsafeMutableBufferPointer<UInt8>) {
        check(ck_relu_forward(x.count, x.baseAddress, y.baseAddress, mask.baseAddress), "ck_relu_forward", "n \(x.count)")
    }

    public func reluBackward(dy: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<UInt8>,
                             dx: UnsafeMutableBufferPointer<Float>) {
        check(ck_relu_backward(dy.count, dy.baseAddress, mask.baseAddress, dx.baseAddress), "ck_relu_backward", "n \(dy.count)")
    }

    public func sigmoidForward(x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        check(ck_sigmoid_forward(x.count, x.baseAddress, y.baseAddress), "ck_sigmoid_forward", "n \(x.count)")
    }

    public func sigmoidBackward(dy: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>,
                                dx: UnsafeMutableBufferPointer<Float>) {
        check(ck_sigmoid_backward(dy.count, dy.baseAddress, y.baseAddress, dx.baseAddress), "ck_sigmoid_backward", "n \(dy.count)")
    }

    public func tanhForward(x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        check(ck_tanh_forward(x.count, x.baseAddress, y.baseAddress), "ck_tanh_forward", "n \(x.count)")
    }

    public func tanhBackward(dy: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>,
                             dx: UnsafeMutableBufferPointer<Float>) {
        check(ck_tanh_backward(dy.count, dy.baseAddress, y.baseAddress, dx.baseAddress), "ck_tanh_backward", "n \(dy.count)")
    }

    public func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                        y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_softmax(m, n, x.baseAddress, ldx, y.baseAddress, ldy), "ck_softmax", "m \(m) n \(n)")
    }

    public func addRowBiasRelu(m: Int, n: Int, bias: UnsafeBufferPointer<Float>,
                               y: UnsafeMutableBufferPointer<Float>, ldy: Int,
                               mask: UnsafeMutableBufferPointer<UInt8>) {
        check(ck_add_row_bias_relu(m, n, bias.baseAddress, y.baseAddress, ldy, mask.baseAddress),
              "ck_add_row_bias_relu", "m \(m) n \(n)")
    }
}
