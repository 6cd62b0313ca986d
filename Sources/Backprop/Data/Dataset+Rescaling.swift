extension Dataset {
    /// The dataset with every feature x (normalized to [0, 1], like MNIST's pixels / 255)
    /// mapped linearly to `range`: x · (upper - lower) + lower. The per-sample sigmoid network
    /// uses 0.01...1, which keeps every input away from 0, where a weight would learn nothing.
    public func rescaled(to range: ClosedRange<Float>) -> Dataset {
        var copy = self
        copy.inputs = inputs.rescaled(to: range)
        return copy
    }
}

extension Tensor where Scalar == Float {
    /// The tensor with every value x (in [0, 1]) mapped linearly to `range`, as
    /// ``Dataset/rescaled(to:)`` maps a dataset's features: x · (upper - lower) + lower.
    public func rescaled(to range: ClosedRange<Float>) -> Tensor {
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite,
                     "Tensor.rescaled: the range \(range) must be finite")
        var copy = self
        let (scale, offset) = (range.upperBound - range.lowerBound, range.lowerBound)
        copy.withUnsafeMutableBufferPointer { values in
            for i in 0..<values.count { values[i] = values[i] * scale + offset }
        }
        return copy
    }
}
