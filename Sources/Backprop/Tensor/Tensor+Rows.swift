// Row copies into a reused tensor: how the trainer builds minibatches and the networks cut
// large inputs into evaluation chunks without allocating once the destination has its size.

extension Tensor {
    /// Makes this tensor hold the rows of `source` at `indices`, in that order (indices may
    /// repeat), keeping `source`'s trailing dimensions. The storage is reused when the
    /// element count is unchanged.
    public mutating func gatherRows(of source: Tensor, at indices: [Int]) {
        let width = source.columns
        let sourceRows = source.rows
        resizeRows(to: indices.count, like: source)
        source.withUnsafeBufferPointer { from in
            withUnsafeMutableBufferPointer { to in
                // Index loops over concrete types: the generic iterators of `enumerated()`
                // allocate when this code runs unspecialized (called through a generic backend).
                for row in 0..<indices.count {
                    let index = indices[row]
                    precondition(index >= 0 && index < sourceRows,
                                 "gatherRows: row index \(index) is outside 0..<\(sourceRows) of \(source.shapeDescription)")
                    (to.baseAddress! + row * width).update(from: from.baseAddress! + index * width, count: width)
                }
            }
        }
    }

    /// Makes this tensor hold rows `range` of `source`, keeping its trailing dimensions.
    public mutating func copyRows(of source: Tensor, in range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= source.rows,
                     "copyRows: rows \(range) are outside 0..<\(source.rows) of \(source.shapeDescription)")
        let width = source.columns
        resizeRows(to: range.count, like: source)
        source.withUnsafeBufferPointer { from in
            withUnsafeMutableBufferPointer { to in
                guard !to.isEmpty else { return }
                to.baseAddress!.update(from: from.baseAddress! + range.lowerBound * width, count: to.count)
            }
        }
    }

    /// Gives this tensor `rows` rows shaped like `source`'s, touching the shape only when it
    /// differs (building a new shape array is itself an allocation).
    private mutating func resizeRows(to rows: Int, like source: Tensor) {
        if source.rank >= 2 {
            if shape.first != rows || shape.dropFirst() != source.shape.dropFirst() {
                reshape(to: [rows] + source.shape.dropFirst())
            }
        } else if shape.count != 2 || shape[0] != rows || shape[1] != source.columns {
            reshape(to: [rows, source.columns])
        }
    }
}
