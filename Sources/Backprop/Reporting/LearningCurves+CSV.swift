extension LearningCurves {
    /// One row per iteration: `iteration,loss,epoch,train_accuracy,test_accuracy`; the last
    /// three columns are filled on the iterations that ended an epoch and empty otherwise.
    /// Iterations count from 1. A history with a validation set has two more columns,
    /// `validation_loss,validation_accuracy`, filled like the accuracies.
    public func csv() -> String {
        var byIteration: [Int: TrainingHistory.EpochRecord] = [:]
        for record in history.epochs { byIteration[record.iteration] = record }
        let validated = history.epochs.contains { $0.validationLoss != nil }
        var lines = ["iteration,loss,epoch,train_accuracy,test_accuracy" + (validated ? ",validation_loss,validation_accuracy" : "")]
        lines.reserveCapacity(history.losses.count + 1)
        for (index, loss) in history.losses.enumerated() {
            let iteration = index + 1
            var line = "\(iteration),\(loss)"
            if let record = byIteration[iteration] {
                line += ",\(record.epoch),\(record.trainAccuracy),\(record.testAccuracy.map { "\($0)" } ?? "")"
                if validated {
                    line += ",\(record.validationLoss.map { "\($0)" } ?? ""),\(record.validationAccuracy.map { "\($0)" } ?? "")"
                }
            } else {
                line += validated ? ",,,,," : ",,,"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
