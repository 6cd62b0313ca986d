import CKernels

// FastBackend's dropout and weight-decay kernels: each a call into the C core.

extension FastBackend: RegularizationKernels {
    public func dropoutMask(m: Int, n: Int, ratio: Float, key: DropoutMaskKey, mask: UnsafeMutableBufferPointer<UInt8>) {
        precondition(mask.count == m * n, "dropoutMask: \(m)x\(n) needs \(m * n) mask bytes, got \(mask.count)")
        check(ck_dropout_mask(m, n, ratio, key.seed, key.iteration, key.layer, key.firstRow, mask.baseAddress),
              "ck_dropout_mask", "m \(m) n \(n) ratio \(ratio) first row \(key.firstRow)")
    }

    public func dropoutApply(x: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<UInt8>, scale: Float,
                             y: UnsafeMutableBufferPointer<Float>) {
        check(ck_dropout_apply(x.count, x.baseAddress, mask.baseAddress, scale, y.baseAddress), "ck_dropout_apply",
              "n \(x.count)")
    }

    public func scale(alpha: Float, x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        check(ck_scale(x.count, alpha, x.baseAddress, y.baseAddress), "ck_scale", "n \(x.count)")
    }

    public func addScaled(alpha: Float, x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        check(ck_add_scaled(x.count, alpha, x.baseAddress, y.baseAddress), "ck_add_scaled", "n \(x.count)")
    }

    public func sumOfSquares(_ x: UnsafeBufferPointer<Float>) -> Double {
        var sum = 0.0
        check(ck_sum_of_squares(x.count, x.baseAddress, &sum), "ck_sum_of_squares", "n \(x.count)")
        return sum
    }
}
