extension Dataset {
    /// The accuracy of always answering the most common class: what a network that learned
    /// nothing (or diverged into predicting one class) scores, and so the level at or below
    /// which a trained model is worthless. 0.1135 for MNIST's test set (digit 1); nil for an
    /// empty set.
    public var chanceAccuracy: Double? {
        guard count > 0 else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return Double(counts.max() ?? 0) / Double(count)
    }

    /// The metrics of always answering the mean of each target over this set: the regression's
    /// counterpart of ``chanceAccuracy``. Its R² is 0 by definition and its RMSE the targets'
    /// standard deviation, so a model whose R² is at or below 0 has learned nothing. Nil for a
    /// classification set or an empty one.
    public var meanPredictorMetrics: RegressionMetrics? {
        guard let values, count > 0 else { return nil }
        let means = Standardization(fitting: values).mean
        let constant = Tensor(shape: values.shape, scalars: (0..<values.count).map { means[$0 % values.columns] })
        return RegressionMetrics(predictions: constant, targets: values)
    }
}
