import CKernels

/// The C core (`CKernels`): vectorized for AVX-512, AVX2+FMA, NEON or plain C, chosen at run
/// time, and parallel with OpenMP. Float only.
///
/// Each method hands the Swift buffers straight to C: no copies, no allocation. The C core
/// validates its arguments again; a rejection here means a caller bypassed the shape checks
/// of the `Tensor` methods, which is a programmer error, so it stops with the reason.
public struct FastBackend: KernelBackend {
    public typealias Scalar = Float

    public init() {}

    public var name: String { "fast" }

    /// The instruction set the kernels run on ("avx512", "avx2", "neon", "scalar").
    public static var instructionSet: String { String(cString: ck_isa_name(ck_active_isa())) }

    /// Upper bound on the threads a kernel uses (process-wide). Setting a value below 1
    /// restores the default, one per core.
    public static var threadCount: Int {
        get { Int(ck_get_num_threads()) }
        set { ck_set_num_threads(Int32(clamping: newValue)) }
    }

    /// Whether the core was built with OpenMP (the `OpenMP` package trait and an installed
    /// runtime); without it every kernel runs on the calling thread.
    public static var isParallel: Bool { ck_openmp_enabled() != 0 }

    @inline(__always)
    private func check(_ status: ck_status, _ kernel: StaticString, _ detail: @autoclosure () -> String) {
        if status != CK_OK {
            preconditionFailure("\(kernel): \(String(cString: ck_status_string(status))) (\(detail()))")
        }
    }

    private func op(_ t: Transpose) -> ck_transpose { t == .none ? CK_NO_TRANS : CK_TRANS }

    public func gemm(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafeBufferPointer<Float>, lda: Int,
        b: UnsafeBufferPointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutableBufferPointer<Float>, ldc: Int
    ) {
        check(ck_sgemm(op(transposeA), op(transposeB), m, n, k, alpha, a.baseAddress, lda,
                       b.baseAddress, ldb, beta, c.baseAddress, ldc),
              "ck_sgemm", "m \(m) n \(n) k \(k) lda \(lda) ldb \(ldb) ldc \(ldc)")
    }

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

    public func softmax(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                        y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_softmax(m, n, x.baseAddress, ldx, y.baseAddress, ldy), "ck_softmax", "m \(m) n \(n)")
    }

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

    public func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Float>,
                           y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_add_row_bias(m, n, bias.baseAddress, y.baseAddress, ldy), "ck_add_row_bias", "m \(m) n \(n)")
    }

    public func addRowBiasRelu(m: Int, n: Int, bias: UnsafeBufferPointer<Float>,
                               y: UnsafeMutableBufferPointer<Float>, ldy: Int,
                               mask: UnsafeMutableBufferPointer<UInt8>) {
        check(ck_add_row_bias_relu(m, n, bias.baseAddress, y.baseAddress, ldy, mask.baseAddress),
              "ck_add_row_bias_relu", "m \(m) n \(n)")
    }

    public func gatherRows(source: UnsafeBufferPointer<Float>, sourceRows: Int, width: Int,
                           indices: UnsafeBufferPointer<Int>, destination: UnsafeMutableBufferPointer<Float>) {
        check(ck_gather_rows(indices.count, width, source.baseAddress, sourceRows, width, indices.baseAddress,
                             destination.baseAddress, width),
              "ck_gather_rows", "\(indices.count) rows of width \(width) from \(sourceRows)")
    }

    public func columnSums(m: Int, n: Int, x: UnsafeBufferPointer<Float>, ldx: Int,
                           sums: UnsafeMutableBufferPointer<Float>) {
        check(ck_column_sums(m, n, x.baseAddress, ldx, sums.baseAddress), "ck_column_sums", "m \(m) n \(n)")
    }

    public func sgdUpdate(learningRate: Float, gradient: UnsafeBufferPointer<Float>,
                          parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_sgd_update(parameter.count, learningRate, gradient.baseAddress, parameter.baseAddress),
              "ck_sgd_update", "n \(parameter.count)")
    }

    public func momentumUpdate(learningRate: Float, momentum: Float, gradient: UnsafeBufferPointer<Float>,
                               velocity: UnsafeMutableBufferPointer<Float>,
                               parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_momentum_update(parameter.count, learningRate, momentum, gradient.baseAddress,
                                 velocity.baseAddress, parameter.baseAddress),
              "ck_momentum_update", "n \(parameter.count)")
    }

    public func adamUpdate(correctedLearningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
                           gradient: UnsafeBufferPointer<Float>,
                           firstMoment: UnsafeMutableBufferPointer<Float>,
                           secondMoment: UnsafeMutableBufferPointer<Float>,
                           parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_adam_update(parameter.count, correctedLearningRate, beta1, beta2, epsilon, gradient.baseAddress,
                             firstMoment.baseAddress, secondMoment.baseAddress, parameter.baseAddress),
              "ck_adam_update", "n \(parameter.count)")
    }
}
