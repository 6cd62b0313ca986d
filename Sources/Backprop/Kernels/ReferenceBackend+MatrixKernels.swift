import RealModule

// ReferenceBackend's matrix products, bias rows, column sums and row gathering: as plain loops, the definition the C core is tested against.

extension ReferenceBackend: MatrixKernels {
    public func gemm(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafeBufferPointer<Scalar>, lda: Int,
        b: UnsafeBufferPointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutableBufferPointer<Scalar>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Scalar = 0
                if alpha != 0 {
                    for p in 0..<k {
                        let aip = transposeA == .none ? a[i * lda + p] : a[p * lda + i]
                        let bpj = transposeB == .none ? b[p * ldb + j] : b[j * ldb + p]
                        sum += aip * bpj
                    }
                }
                let scaled = alpha * sum
                c[i * ldc + j] = beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
            }
        }
    }

    public func addRowBias(m: Int, n: Int, bias: UnsafeBufferPointer<Scalar>,
                           y: UnsafeMutableBufferPointer<Scalar>, ldy: Int) {
        for i in 0..<m {
            for j in 0..<n {
                y[i * ldy + j] += bias[j]
            }
        }
    }

    public func gatherRows(source: UnsafeBufferPointer<Scalar>, sourceRows: Int, width: Int,
                           indices: UnsafeBufferPointer<Int>, destination: UnsafeMutableBufferPointer<Scalar>) {
        for (row, index) in indices.enumerated() {
            for j in 0..<width {
                destination[row * width + j] = source[index * width + j]
            }
        }
    }

    public func columnSums(m: Int, n: Int, x: UnsafeBufferPointer<Scalar>, ldx: Int,
                           sums: UnsafeMutableBufferPointer<Scalar>) {
        for j in 0..<n {
            var s: Scalar = 0
            for i in 0..<m {
                s += x[i * ldx + j]
            }
            sums[j] = s
        }
    }
}
