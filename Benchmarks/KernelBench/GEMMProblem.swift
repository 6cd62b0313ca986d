/// One matrix product C = op(A) · op(B) to benchmark, written M x K x N.
struct GEMMProblem {
    var m: Int
    var k: Int
    var n: Int
    var transposesA = false
    var transposesB = false
    /// What the product is in training ("X·W1"), nil for the square sweep.
    var note: String?

    /// BLAS-style name: `sgemm_nt` transposes B, `sgemm_tn` transposes A.
    var kernel: String { "sgemm_" + (transposesA ? "t" : "n") + (transposesB ? "t" : "n") }
    var shape: String { "\(m)x\(k)x\(n)" }
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// A is stored m x k, or k x m when transposed; B is stored k x n, or n x k.
    var lda: Int { transposesA ? m : k }
    var ldb: Int { transposesB ? k : n }

    /// The squares 64 ... 1024 (2048 too unless quick), then the products of one training
    /// step of the book's two-layer network: batch 100, 784 inputs, 50 hidden, 10 classes.
    static func standardSet(includingLargest: Bool) -> [GEMMProblem] {
        let sides = includingLargest ? [64, 128, 256, 512, 1024, 2048] : [64, 128, 256, 512, 1024]
        return sides.map { GEMMProblem(m: $0, k: $0, n: $0) } + [
            GEMMProblem(m: 100, k: 784, n: 50, note: "X·W1, forward"),
            GEMMProblem(m: 784, k: 100, n: 50, transposesA: true, note: "Xᵀ·dY, dW1"),
            GEMMProblem(m: 100, k: 50, n: 784, transposesB: true, note: "dY·W1ᵀ, dX"),
            GEMMProblem(m: 100, k: 50, n: 10, note: "Z·W2, forward"),
        ]
    }
}

/// The operands of one problem, filled once with reproducible values in [-1, 1], and a
/// separate output for each implementation so results can be compared.
final class GEMMOperands {
    let a: AlignedBuffer<Float>
    let b: AlignedBuffer<Float>
    let ours: AlignedBuffer<Float>
    let baseline: AlignedBuffer<Float>
    let reference: AlignedBuffer<Float>

    init(for problem: GEMMProblem, seed: UInt64) {
        a = AlignedBuffer(count: problem.m * problem.k, uniformIn: -1...1, seed: seed)
        b = AlignedBuffer(count: problem.k * problem.n, uniformIn: -1...1, seed: seed &+ 1)
        ours = AlignedBuffer(count: problem.m * problem.n)
        baseline = AlignedBuffer(count: problem.m * problem.n)
        reference = AlignedBuffer(count: problem.m * problem.n)
    }
}
