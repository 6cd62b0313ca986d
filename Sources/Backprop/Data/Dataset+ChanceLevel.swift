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
}
