import CKernels
import Testing

/// Output buffers for a call that must be rejected: everything starts as a sentinel and must
/// still be the sentinel afterwards (`ckernels.h`: arguments are validated before anything is
/// written).
struct RejectableOutputs {
    var y = [Float](repeating: sentinel, count: 64)
    var v = [Float](repeating: sentinel, count: 64)
    var p = [Float](repeating: sentinel, count: 64)
    var mask = [UInt8](repeating: 0xA5, count: 64)
    var loss = sentinel

    var isUntouched: Bool {
        [y, v, p].allSatisfy { $0.allSatisfy { $0.bitPattern == sentinel.bitPattern } }
            && mask.allSatisfy { $0 == 0xA5 } && loss.bitPattern == sentinel.bitPattern
    }
}

/// A kernel call with one bad argument and the status it must return.
struct RejectedCall: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let expected: ck_status
    let call: @Sendable (inout RejectableOutputs) -> ck_status

    init(_ description: String, expecting expected: ck_status = CK_EINVAL,
         _ call: @escaping @Sendable (inout RejectableOutputs) -> ck_status) {
        testDescription = description
        self.expected = expected
        self.call = call
    }
}

/// Valid inputs, large enough for every call below (at most 8 x 8 with ld 8).
private let input = [Float](repeating: 0.25, count: 64)
private let labels: [Int32] = [0, 1, 2, 3, 0, 1, 2, 3]

/// Argument checks are independent of the instruction set and thread count, so these tests
/// run outside `SerializedCoreTests`.
@Suite("Invalid arguments are rejected before anything is written")
struct ArgumentValidationTests {
    static let gemmCalls: [RejectedCall] = {
        // A valid call is m 4, n 5, k 6 with lda 6 (or 4 transposed), ldb 5 (or 6), ldc 5.
        func gemm(_ ta: ck_transpose, _ tb: ck_transpose, m: Int = 4, n: Int = 5, k: Int = 6,
                  lda: Int? = nil, ldb: Int? = nil, ldc: Int = 5,
                  a: Bool = true, b: Bool = true, c: Bool = true) -> @Sendable (inout RejectableOutputs) -> ck_status {
            let lda = lda ?? (ta == CK_NO_TRANS ? k : m), ldb = ldb ?? (tb == CK_NO_TRANS ? n : k)
            return { o in
                if c {
                    ck_sgemm(ta, tb, m, n, k, 1, a ? input : nil, lda, b ? input : nil, ldb, 0, &o.y, ldc)
                } else {
                    ck_sgemm(ta, tb, m, n, k, 1, a ? input : nil, lda, b ? input : nil, ldb, 0, nil, ldc)
                }
            }
        }
        let (n, t) = (CK_NO_TRANS, CK_TRANS)
        return [
            RejectedCall("sgemm m < 0", gemm(n, n, m: -1)),
            RejectedCall("sgemm n < 0", gemm(n, n, n: -1)),
            RejectedCall("sgemm k < 0", gemm(n, n, k: -1)),
            RejectedCall("sgemm lda < k", gemm(n, n, lda: 5)),
            RejectedCall("sgemm transposed lda < m", gemm(t, n, lda: 3)),
            RejectedCall("sgemm ldb < n", gemm(n, n, ldb: 4)),
            RejectedCall("sgemm transposed ldb < k", gemm(n, t, ldb: 5)),
            RejectedCall("sgemm ldc < n", gemm(n, n, ldc: 4)),
            RejectedCall("sgemm ldc < n with k == 0", gemm(n, n, k: 0, ldc: 4)),
            RejectedCall("sgemm A NULL", gemm(n, n, a: false)),
            RejectedCall("sgemm B NULL", gemm(t, t, b: false)),
            RejectedCall("sgemm C NULL", gemm(n, n, c: false)),
            RejectedCall("sgemm C NULL with k == 0", gemm(n, n, k: 0, c: false)),
            RejectedCall("sgemm unknown transpose") { o in
                ck_sgemm(ck_transpose(rawValue: 2), CK_NO_TRANS, 4, 5, 6, 1, input, 6, input, 5, 0, &o.y, 5)
            },
        ]
    }()

    static let elementwiseCalls: [RejectedCall] = [
        RejectedCall("relu forward n < 0") { ck_relu_forward(-1, input, &$0.y, &$0.mask) },
        RejectedCall("relu forward x NULL") { ck_relu_forward(3, nil, &$0.y, &$0.mask) },
        RejectedCall("relu forward y NULL") { ck_relu_forward(3, input, nil, &$0.mask) },
        RejectedCall("relu forward mask NULL") { ck_relu_forward(3, input, &$0.y, nil) },
        RejectedCall("relu backward n < 0") { o in
            let mask = [UInt8](repeating: 1, count: 8)
            return ck_relu_backward(-1, input, mask, &o.y)
        },
        RejectedCall("relu backward mask NULL") { ck_relu_backward(3, input, nil, &$0.y) },
        RejectedCall("relu backward dy NULL") { o in
            let mask = [UInt8](repeating: 1, count: 8)
            return ck_relu_backward(3, nil, mask, &o.y)
        },
        RejectedCall("relu backward dx NULL") { o in
            let mask = [UInt8](repeating: 1, count: 8)
            return ck_relu_backward(3, input, mask, nil)
        },
        RejectedCall("sigmoid forward n < 0") { ck_sigmoid_forward(-1, input, &$0.y) },
        RejectedCall("sigmoid forward x NULL") { ck_sigmoid_forward(3, nil, &$0.y) },
        RejectedCall("sigmoid forward y NULL") { _ in ck_sigmoid_forward(3, input, nil) },
        RejectedCall("sigmoid backward n < 0") { ck_sigmoid_backward(-1, input, input, &$0.y) },
        RejectedCall("sigmoid backward y NULL") { ck_sigmoid_backward(3, input, nil, &$0.y) },
        RejectedCall("sigmoid backward dy NULL") { ck_sigmoid_backward(3, nil, input, &$0.y) },
        RejectedCall("sigmoid backward dx NULL") { _ in ck_sigmoid_backward(3, input, input, nil) },
    ]

    static let softmaxCalls: [RejectedCall] = [
        RejectedCall("softmax m < 0") { ck_softmax(-1, 4, input, 4, &$0.y, 4) },
        RejectedCall("softmax n < 0") { ck_softmax(2, -1, input, 4, &$0.y, 4) },
        RejectedCall("softmax ldx < n") { ck_softmax(2, 4, input, 3, &$0.y, 4) },
        RejectedCall("softmax ldy < n") { ck_softmax(2, 4, input, 4, &$0.y, 3) },
        RejectedCall("softmax x NULL") { ck_softmax(2, 4, nil, 4, &$0.y, 4) },
        RejectedCall("softmax y NULL") { _ in ck_softmax(2, 4, input, 4, nil, 4) },
        RejectedCall("softmax-CE forward ldt < n") {
            ck_softmax_cross_entropy_forward(2, 4, input, 4, input, 3, &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE forward ldx < n") {
            ck_softmax_cross_entropy_forward(2, 4, input, 3, input, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE forward t NULL") {
            ck_softmax_cross_entropy_forward(2, 4, input, 4, nil, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE forward loss NULL") {
            ck_softmax_cross_entropy_forward(2, 4, input, 4, input, 4, &$0.y, 4, nil)
        },
        RejectedCall("softmax-CE forward m < 0") {
            ck_softmax_cross_entropy_forward(-1, 4, input, 4, input, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE labels forward labels NULL") {
            ck_softmax_cross_entropy_forward_labels(2, 4, input, 4, nil, &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE labels forward ldy < n") {
            ck_softmax_cross_entropy_forward_labels(2, 4, input, 4, labels, &$0.y, 3, &$0.loss)
        },
        RejectedCall("softmax-CE labels forward loss NULL") {
            ck_softmax_cross_entropy_forward_labels(2, 4, input, 4, labels, &$0.y, 4, nil)
        },
        RejectedCall("softmax-CE labels forward label == n", expecting: CK_ERANGE) {
            ck_softmax_cross_entropy_forward_labels(3, 4, input, 4, [0, 4, 1], &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE labels forward label < 0", expecting: CK_ERANGE) {
            ck_softmax_cross_entropy_forward_labels(3, 4, input, 4, [0, 1, -1], &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE labels forward label Int32.max", expecting: CK_ERANGE) {
            ck_softmax_cross_entropy_forward_labels(2, 4, input, 4, [.max, 0], &$0.y, 4, &$0.loss)
        },
        RejectedCall("softmax-CE backward lddx < n") {
            ck_softmax_cross_entropy_backward(2, 4, input, 4, input, 4, &$0.y, 3)
        },
        RejectedCall("softmax-CE backward t NULL") { ck_softmax_cross_entropy_backward(2, 4, input, 4, nil, 4, &$0.y, 4) },
        RejectedCall("softmax-CE backward y NULL") { ck_softmax_cross_entropy_backward(2, 4, nil, 4, input, 4, &$0.y, 4) },
        RejectedCall("softmax-CE labels backward labels NULL") {
            ck_softmax_cross_entropy_backward_labels(2, 4, input, 4, nil, &$0.y, 4)
        },
        RejectedCall("softmax-CE labels backward ldy < n") {
            ck_softmax_cross_entropy_backward_labels(2, 4, input, 3, labels, &$0.y, 4)
        },
        RejectedCall("softmax-CE labels backward label == n", expecting: CK_ERANGE) {
            ck_softmax_cross_entropy_backward_labels(3, 4, input, 4, [0, 1, 4], &$0.y, 4)
        },
        RejectedCall("softmax-CE labels backward label < 0", expecting: CK_ERANGE) {
            ck_softmax_cross_entropy_backward_labels(2, 4, input, 4, [-1, 0], &$0.y, 4)
        },
    ]

    static let affineAndOptimizerCalls: [RejectedCall] = [
        RejectedCall("add bias m < 0") { ck_add_row_bias(-1, 4, input, &$0.y, 4) },
        RejectedCall("add bias ldy < n") { ck_add_row_bias(2, 4, input, &$0.y, 3) },
        RejectedCall("add bias bias NULL") { ck_add_row_bias(2, 4, nil, &$0.y, 4) },
        RejectedCall("add bias y NULL") { _ in ck_add_row_bias(2, 4, input, nil, 4) },
        RejectedCall("add bias + relu n < 0") { ck_add_row_bias_relu(2, -1, input, &$0.y, 4, &$0.mask) },
        RejectedCall("add bias + relu ldy < n") { ck_add_row_bias_relu(2, 4, input, &$0.y, 3, &$0.mask) },
        RejectedCall("add bias + relu mask NULL") { ck_add_row_bias_relu(2, 4, input, &$0.y, 4, nil) },
        RejectedCall("add bias + relu bias NULL") { ck_add_row_bias_relu(2, 4, nil, &$0.y, 4, &$0.mask) },
        RejectedCall("column sums ldx < n") { ck_column_sums(2, 4, input, 3, &$0.y) },
        RejectedCall("column sums x NULL") { ck_column_sums(2, 4, nil, 4, &$0.y) },
        RejectedCall("column sums m < 0") { ck_column_sums(-1, 4, input, 4, &$0.y) },
        RejectedCall("column sums sums NULL") { _ in ck_column_sums(2, 4, input, 4, nil) },
        RejectedCall("sgd n < 0") { ck_sgd_update(-1, 0.1, input, &$0.p) },
        RejectedCall("sgd g NULL") { ck_sgd_update(3, 0.1, nil, &$0.p) },
        RejectedCall("momentum v NULL") { ck_momentum_update(3, 0.1, 0.9, input, nil, &$0.p) },
        RejectedCall("momentum g NULL") { ck_momentum_update(3, 0.1, 0.9, nil, &$0.v, &$0.p) },
        RejectedCall("momentum n < 0") { ck_momentum_update(-2, 0.1, 0.9, input, &$0.v, &$0.p) },
        RejectedCall("adam m NULL") { ck_adam_update(3, 1e-3, 0.9, 0.999, 1e-8, input, nil, &$0.v, &$0.p) },
        RejectedCall("adam v NULL") { ck_adam_update(3, 1e-3, 0.9, 0.999, 1e-8, input, &$0.y, nil, &$0.p) },
        RejectedCall("adam p NULL") { ck_adam_update(3, 1e-3, 0.9, 0.999, 1e-8, input, &$0.y, &$0.v, nil) },
        RejectedCall("adam n < 0") { ck_adam_update(-1, 1e-3, 0.9, 0.999, 1e-8, input, &$0.y, &$0.v, &$0.p) },
    ]

    static let identityLossCalls: [RejectedCall] = [
        RejectedCall("identity-SE forward m < 0") {
            ck_identity_squared_error_forward(-1, 4, input, 4, input, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("identity-SE forward ldx < n") {
            ck_identity_squared_error_forward(2, 4, input, 3, input, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("identity-SE forward ldt < n") {
            ck_identity_squared_error_forward(2, 4, input, 4, input, 3, &$0.y, 4, &$0.loss)
        },
        RejectedCall("identity-SE forward t NULL") {
            ck_identity_squared_error_forward(2, 4, input, 4, nil, 4, &$0.y, 4, &$0.loss)
        },
        RejectedCall("identity-SE forward loss NULL") {
            ck_identity_squared_error_forward(2, 4, input, 4, input, 4, &$0.y, 4, nil)
        },
        RejectedCall("identity-SE backward lddx < n") {
            ck_identity_squared_error_backward(2, 4, input, 4, input, 4, &$0.y, 3)
        },
        RejectedCall("identity-SE backward y NULL") {
            ck_identity_squared_error_backward(2, 4, nil, 4, input, 4, &$0.y, 4)
        },
        RejectedCall("identity-SE backward dx NULL") { _ in
            ck_identity_squared_error_backward(2, 4, input, 4, input, 4, nil, 4)
        },
    ]

    @Test("Identity outputs with squared error reject bad sizes, leading dimensions and NULL buffers",
          arguments: identityLossCalls)
    func identityLoss(_ call: RejectedCall) { Self.expectRejected(call) }

    @Test("ck_sgemm rejects bad sizes, leading dimensions and NULL operands", arguments: gemmCalls)
    func gemm(_ call: RejectedCall) { Self.expectRejected(call) }

    @Test("ReLU and sigmoid reject bad sizes and NULL buffers", arguments: elementwiseCalls)
    func elementwise(_ call: RejectedCall) { Self.expectRejected(call) }

    @Test("Softmax and cross-entropy reject bad arguments and out-of-range labels", arguments: softmaxCalls)
    func softmax(_ call: RejectedCall) { Self.expectRejected(call) }

    @Test("Bias, column sums and optimizers reject bad arguments", arguments: affineAndOptimizerCalls)
    func affineAndOptimizers(_ call: RejectedCall) { Self.expectRejected(call) }

    private static func expectRejected(_ call: RejectedCall, sourceLocation: SourceLocation = #_sourceLocation) {
        var outputs = RejectableOutputs()
        let status = call.call(&outputs)
        let (got, expected) = (String(cString: ck_status_string(status)), String(cString: ck_status_string(call.expected)))
        #expect(status == call.expected, "\(call.testDescription): got \(got), expected \(expected)",
                sourceLocation: sourceLocation)
        #expect(outputs.isUntouched, "\(call.testDescription) wrote to an output before rejecting",
                sourceLocation: sourceLocation)
    }
}
