import CKernels

// FastBackend's matrix products, bias rows, column sums and row gathering: each a call into the C core.

extension FastBackend: MatrixKernels {
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

    public func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Float>,
                           y: UnsafeMutableBufferPointer<Float>, ldy: Int) {
        check(ck_add_row_bias(m, n, bias.baseAddress, y.baseAddress, ldy), "ck_add_row_bias", "m \(m) n \(n)")
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
}
