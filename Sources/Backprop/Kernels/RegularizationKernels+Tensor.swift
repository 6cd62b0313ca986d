// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension RegularizationKernels {
    /// Draws the dropout mask of a batch shaped like `x` (one byte per element of its matrix
    /// view, 1 = kept) for the given ratio in [0, 1] and key.
    public func dropoutMask(like x: Tensor<Scalar>, ratio: Scalar, key: DropoutMaskKey, into mask: inout [UInt8]) {
        precondition(ratio >= 0 && ratio <= 1, "dropoutMask: ratio must be in [0, 1], got \(ratio)")
        if mask.count != x.count { mask = Array(repeating: 0, count: x.count) }
        mask.withUnsafeMutableBufferPointer { dropoutMask(m: x.rows, n: x.columns, ratio: ratio, key: key, mask: $0) }
    }

    /// y = x · scale where the mask keeps the element, else 0; y takes x's shape.
    public func dropoutApply(_ x: Tensor<Scalar>, mask: [UInt8], scale: Scalar, into y: inout Tensor<Scalar>) {
        precondition(x.count == mask.count,
                     "dropoutApply: x is \(x.shapeDescription) (\(x.count) elements) but the mask has \(mask.count)")
        y.reshape(to: x.shape)
        x.withUnsafeBufferPointer { px in
            mask.withUnsafeBufferPointer { pm in
                y.withUnsafeMutableBufferPointer { dropoutApply(x: px, mask: pm, scale: scale, y: $0) }
            }
        }
    }

    /// y = alpha · x; y takes x's shape.
    public func scale(_ x: Tensor<Scalar>, by alpha: Scalar, into y: inout Tensor<Scalar>) {
        y.reshape(to: x.shape)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { scale(alpha: alpha, x: px, y: $0) }
        }
    }

    /// y += alpha · x in place (weight decay's λ·W added to dW).
    public func addScaled(_ x: Tensor<Scalar>, times alpha: Scalar, to y: inout Tensor<Scalar>) {
        precondition(x.shape == y.shape, "addScaled: x is \(x.shapeDescription) but y is \(y.shapeDescription)")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { addScaled(alpha: alpha, x: px, y: $0) }
        }
    }

    /// Σ x² over every element, in Double (weight decay's ½·λ·ΣW² takes it).
    public func sumOfSquares(_ x: Tensor<Scalar>) -> Double {
        x.withUnsafeBufferPointer { sumOfSquares($0) }
    }
}
