extension Dataset {
    /// The number of rows ``holdingOutValidation(fraction:)`` holds out of `count` rows:
    /// `fraction · count` rounded to the nearest integer (so 0.1 of 60,000 is 6,000, not
    /// 5,999 from the rounding of 0.1 in binary).
    public static func validationCount(fraction: Double, of count: Int) -> Int {
        precondition(fraction >= 0 && fraction <= 1, "Dataset: validation fraction \(fraction) is outside 0...1")
        return Int((fraction * Double(count)).rounded())
    }

    /// Splits the set into the rows to train on and a validation set of its *last*
    /// ``validationCount(fraction:of:)`` rows (for MNIST's 60,000 training images and 0.1:
    /// rows 54,000–59,999). Taking the tail, not a random sample, keeps the split the same for
    /// every seed and every run, so validation losses of different runs compare.
    public func holdingOutValidation(fraction: Double) -> (training: Dataset, validation: Dataset) {
        let validationRows = Self.validationCount(fraction: fraction, of: count)
        return (rows(0..<count - validationRows), rows(count - validationRows..<count))
    }

    /// Splits the set into the rows to train on and a validation set of
    /// ``validationCount(fraction:of:)`` rows chosen at random with a ``SeededGenerator``
    /// seeded with `seed` (the first rows of its ``SeededGenerator/permutation(of:)``), so a
    /// file sorted by class validates on every class, and the same seed holds out the same
    /// rows. Both parts keep the set's row order.
    public func holdingOutValidation(fraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset) {
        let validationRows = Self.validationCount(fraction: fraction, of: count)
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(of: count)
        return (samples(at: order[validationRows...].sorted()), samples(at: order[..<validationRows].sorted()))
    }

    /// The samples in `range`, copied.
    public func rows(_ range: Range<Int>) -> Dataset {
        var selected = Tensor<Float>(shape: [0])
        selected.copyRows(of: inputs, in: range)
        if let values {
            var targets = Tensor<Float>(shape: [0])
            targets.copyRows(of: values, in: range)
            return Dataset(inputs: selected, values: targets)
        }
        return Dataset(inputs: selected, labels: Array(labels[range]), classCount: classCount)
    }
}
