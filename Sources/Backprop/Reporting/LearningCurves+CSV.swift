extension LearningCurves {
    /// One row per iteration: `iteration,loss,epoch,train_accuracy,test_accuracy`; the last
    /// three columns are filled on the iterations that ended an epoch and empty otherwise.
    /// Iterations count from 1. A history with a validation set has two more columns,
    /// `validation_loss,validation_accuracy`, filled like the accuracies. A regression's
    /// history has R² in their place (`train_r2`, `test_r2`, `validation_r2`).
    public func csv() -> String {
        var byIteration: [Int: TrainingHistory.EpochRecord] = [:]
        for record in history.epochs { byIteration[record.iteration] = record }
        let validated = history.epochs.contains { $0.validationLoss != nil }
        let score = history.scoreName
        var lines = ["iteration,loss,epoch,train_\(score),test_\(score)" + (validated ? ",validation_loss,validation_\(score)" : "")]
        lines.reserveCapacity(history.losses.count + 1)
        for (index, loss) in history.losses.enumerated() {
            let iteration = index + 1
            var line = "\(iteration),\(loss)"
            if let record = byIteration[iteration] {
                let scores = record.scores
                line += ",\(record.epoch),\(scores.train),\(scores.test.map { "\($0)" } ?? "")"
                if validated {
                    line += ",\(record.validationLoss.map { "\($0)" } ?? ""),\(scores.validation.map { "\($0)" } ?? "")"
                }
            } else {
                line += validated ? ",,,,," : ",,,"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension TrainingHistory {
    /// What the curves show per epoch besides the loss: "accuracy", or "r2" for a regression.
    var scoreName: String { epochs.first?.trainMetrics == nil ? "accuracy" : "r2" }
}

extension TrainingHistory.EpochRecord {
    /// The record's accuracies, or a regression's R² (which has no accuracy).
    var scores: (train: Double, test: Double?, validation: Double?) {
        guard let train = trainMetrics else { return (trainAccuracy, testAccuracy, validationAccuracy) }
        return (train.r2, testMetrics?.r2, validationMetrics?.r2)
    }
}
