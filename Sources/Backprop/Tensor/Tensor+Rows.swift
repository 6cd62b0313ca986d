// Row copies into a reused tensor, for callers that want a chunk of rows as a tensor of its
// own without allocating once the destination has its size. (The networks evaluate large
// inputs by reading rows in place, see MatrixKernels.matmul(rowsOfA:); minibatches are
// gathered by the backend, see MatrixKernels.gatherRows.)

extension Tensor {
    /// Makes this tensor hold rows `range` of `source`, keeping its trailing dimensions.
    public mutating func copyRows(of source: Tensor, in range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= source.rows,
                     "copyRows: rows \(range) are outside 0..<\(source.rows) of \(source.shapeDescription)")
        let width = source.columns
        reshapeRows(to: range.count, like: source)
        source.withUnsafeBufferPointer { from in
            withUnsafeMutableBufferPointer { to in
                guard !to.isEmpty else { return }
                to.baseAddress!.update(from: from.baseAddress! + range.lowerBound * width, count: to.count)
            }
        }
    }

    /// Gives this tensor `rows` rows shaped like `source`'s, touching the shape only when it
    /// differs (building a new shape array is itself an allocation).
    mutating func reshapeRows(to rows: Int, like source: Tensor) {
        if source.rank >= 2 {
            if shape.first != rows || shape.dropFirst() != source.shape.dropFirst() {
                reshape(to: [rows] + source.shape.dropFirst())
            }
        } else if shape.count != 2 || shape[0] != rows || shape[1] != source.columns {
            reshape(to: [rows, source.columns])
        }
    }
}
