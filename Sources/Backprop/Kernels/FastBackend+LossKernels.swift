import CKernels

// FastBackend's losses that close a network (softmax with cross-entropy, sigmoid with squared error or binary cross-entropy, identity with squared error), forward and backward: each a call into the C core.

extension FastBackend: LossKernels {
    public func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                           t: UnsafeBufferPointer<Float>, ldt: Int,
                                           y: UnsafeMutableBufferPointer<Float>, ldy: Int) -> Float {
        var loss: Float = 0
        check(ck_softmax_cross_entropy_forward(m, n, x.baseAddress, ldx, t.baseAddress, ldt, y.baseAddress, ldy, &loss),
              "ck_softmax_cross_entropy_forward", "m \(m) n \(n)")
        return loss
    }

    public func softmaxCrossEntropyForward(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                           labels: UnsafeBufferPointer<Int32>,
                                           y: UnsafeMutableBufferPointer<Float>, ldy: Int) -> Float {
        var loss: Float = 0
        check(ck_softmax_cross_entropy_forward_labels(m, n, x.baseAddress, ldx, labels.baseAddress, y.baseAddress, ldy, &loss),
              "ck_softmax_cross_entropy_forward_labels", "m \(m) n \(n)")
        return loss
    }

    public func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Float>, ldy: Int,
                                            t: UnsafeBufferPointer<Float>, ldt: Int,
                                            dx: UnsafeMutableBufferPointer<Float>, lddx: Int) {
        check(ck_softmax_cross_entropy_backward(m, n, y.baseAddress, ldy, t.baseAddress, ldt, dx.baseAddress, lddx),
              "ck_softmax_cross_entropy_backward", "m \(m) n \(n)")
    }

    public func softmaxCrossEntropyBackward(m: Int, n: Int, y: UnsafeBufferPointer<Float>, ldy: Int,
                                            labels: UnsafeBufferPointer<Int32>,
                                            dx: UnsafeMutableBufferPointer<Float>, lddx: Int) {
        check(ck_softmax_cross_entropy_backward_labels(m, n, y.baseAddress, ldy, labels.baseAddress, dx.baseAddress, lddx),
              "ck_softmax_cross_entropy_backward_labels", "m \(m) n \(n)")
    }

    private func code(_ loss: SigmoidLoss) -> ck_sigmoid_loss {
        loss == .squaredError ? CK_SIGMOID_SQUARED_ERROR : CK_SIGMOID_BINARY_CROSS_ENTROPY
    }

    public func sigmoidLossForward(_ loss: SigmoidLoss, m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                   t: UnsafeBufferPointer<Float>, ldt: Int,
                                   y: UnsafeMutableBufferPointer<Float>, ldy: Int) -> Float {
        var value: Float = 0
        check(ck_sigmoid_loss_forward(code(loss), m, n, x.baseAddress, ldx, t.baseAddress, ldt, y.baseAddress, ldy, &value),
              "ck_sigmoid_loss_forward", "\(loss) m \(m) n \(n)")
        return value
    }

    public func sigmoidLossBackward(_ loss: SigmoidLoss, m: Int, n: Int, y: UnsafeBufferPointer<Float>, ldy: Int,
                                    t: UnsafeBufferPointer<Float>, ldt: Int,
                                    dx: UnsafeMutableBufferPointer<Float>, lddx: Int) {
        check(ck_sigmoid_loss_backward(code(loss), m, n, y.baseAddress, ldy, t.baseAddress, ldt, dx.baseAddress, lddx),
              "ck_sigmoid_loss_backward", "\(loss) m \(m) n \(n)")
    }

    public func identitySquaredErrorForward(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                                            t: UnsafeBufferPointer<Float>, ldt: Int,
                                            y: UnsafeMutableBufferPointer<Float>, ldy: Int) -> Float {
        var value: Float = 0
        check(ck_identity_squared_error_forward(m, n, x.baseAddress, ldx, t.baseAddress, ldt, y.baseAddress, ldy, &value),
              "ck_identity_squared_error_forward", "m \(m) n \(n)")
        return value
    }

    public func identitySquaredErrorBackward(m: Int, n: Int, y: UnsafeBufferPointer<Float>, ldy: Int,
                                             t: UnsafeBufferPointer<Float>, ldt: Int,
                                             dx: UnsafeMutableBufferPointer<Float>, lddx: Int) {
        check(ck_identity_squared_error_backward(m, n, y.baseAddress, ldy, t.baseAddress, ldt, dx.baseAddress, lddx),
              "ck_identity_squared_error_backward", "m \(m) n \(n)")
    }
}
