extension Dataset {
    /// The samples at `indices`, in that order (each must be in `0..<count`). Their features
    /// live in huge-page-backed memory where the system offers it, like the images of IDX
    /// files: a training part cut out of a dataset is read in random rows too.
    public func samples(at indices: [Int]) -> Dataset {
        let features = featureCount
        for index in indices {
            precondition(index >= 0 && index < count, "Dataset.samples: index \(index) is outside 0..<\(count)")
        }
        let scalars = inputs.withUnsafeBufferPointer { x in
            [Float].hugePageBacked(count: indices.count * features) { out in
                guard features > 0, let source = x.baseAddress, let target = out.baseAddress else { return }
                for (row, index) in indices.enumerated() {
                    (target + row * features).initialize(from: source + index * features, count: features)
                }
            }
        }
        let selected = Tensor(shape: [indices.count, features], scalars: scalars)
        if let values {
            let width = values.columns
            let rows = values.withUnsafeBufferPointer { t in indices.flatMap { t[$0 * width ..< ($0 + 1) * width] } }
            return Dataset(inputs: selected, values: Tensor(shape: [indices.count, width], scalars: rows))
        }
        return Dataset(inputs: selected, labels: indices.map { labels[$0] }, classCount: classCount)
    }

    /// A random split into a training part and a test part of `testFraction` of the samples
    /// (rounded, at least one each), shuffled with a ``SeededGenerator`` seeded with `seed`, so
    /// the same seed gives the same split. Data sorted by class (common in CSV files) is split
    /// fairly. Returns nil when there are fewer than two samples or the fraction is not in (0, 1).
    public func split(testFraction: Double, seed: UInt64) -> (train: Dataset, test: Dataset)? {
        guard count >= 2, testFraction > 0, testFraction < 1 else { return nil }
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(of: count)
        let testCount = min(max(Int((Double(count) * testFraction).rounded()), 1), count - 1)
        return (samples(at: Array(order[testCount...])), samples(at: Array(order[..<testCount])))
    }
}
