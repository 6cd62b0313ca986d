extension LearningCurves {
    /// One row per iteration: `iteration,loss,epoch,train_accuracy,test_accuracy`; the last
    /// three columns are filled on the iterations that ended an epoch and empty otherwise.
    /// Iterations count from 1.
    public func csv() -> String {
        var byIteration: [Int: TrainingHistory.EpochRecord] = [:]
        for record in history.epochs { byIteration[record.iteration] = record }
        var lines = ["iteration,loss,epoch,train_accuracy,test_accuracy"]
        lines.reserveCapacity(history.losses.count + 1)
        for (index, loss) in history.losses.enumerated() {
            let iteration = index + 1
            var line = "\(iteration),\(loss)"
            if let record = byIteration[iteration] {
                line += ",\(record.epoch),\(record.trainAccuracy),\(record.testAccuracy.map { "\($0)" } ?? "")"
            } else {
                line += ",,,"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
