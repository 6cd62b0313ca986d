// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension MatrixKernels {
    /// c = alpha * op(a) * op(b) + beta * c on the matrix views of the tensors.
    ///
    /// With `beta == 0` (the default) `c` is reshaped to `[m, n]` and overwritten; otherwise it
    /// must already be m x n. `rowsOfA`, for an untransposed `a`, multiplies only those rows
    /// of it, read in place: how a network evaluates a large dataset chunk by chunk.
    public func matmul(
        _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, into c: inout Tensor<Scalar>,
        transposeA: Transpose = .none, transposeB: Transpose = .none,
        alpha: Scalar = 1, beta: Scalar = 0, rowsOfA: Range<Int>? = nil
    ) {
        let rows = rowsOfA ?? 0..<a.rows
        precondition(rowsOfA == nil || transposeA == .none,
                     "matmul: a row range of a applies only to an untransposed a (a \(a.shapeDescription))")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= a.rows,
                     "matmul: rows \(rows) are outside 0..<\(a.rows) of a \(a.shapeDescription)")
        let (m, ka) = transposeA == .none ? (rows.count, a.columns) : (a.columns, a.rows)
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
        a.withUnsafeBufferPointer { whole in
            let pa = UnsafeBufferPointer(rebasing: whole[rows.lowerBound * a.columns ..< rows.upperBound * a.columns])
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka,
                         alpha: alpha, a: pa, lda: a.columns, b: pb, ldb: b.columns,
                         beta: beta, c: pc, ldc: n)
                }
            }
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
}
