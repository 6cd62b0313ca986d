/// How close a regression's predictions are to the real-valued targets: the root mean squared
/// error, the mean absolute error and the coefficient of determination R².
///
/// RMSE and MAE are in the targets' units, averaged over every sample and target. R² is
/// 1 - Σ(t - y)² / Σ(t - mean(t))² per target column, averaged over the columns (scikit-learn's
/// `r2_score` with its default `uniform_average`): 1 for a perfect model, 0 for always
/// answering the set's mean (the baseline a model must beat, see
/// ``Dataset/meanPredictorMetrics``), negative for worse. A column whose targets are all equal
/// has no variance to explain; its R² is 1 when predicted exactly and 0 otherwise (as
/// scikit-learn does).
public struct RegressionMetrics: Sendable, Equatable, Codable {
    /// √(mean of (y - t)²) over all samples and targets.
    public var rmse: Double
    /// Mean of |y - t| over all samples and targets.
    public var mae: Double
    /// The coefficient of determination, averaged over the target columns.
    public var r2: Double

    /// Metrics with the given values.
    public init(rmse: Double, mae: Double, r2: Double) {
        self.rmse = rmse
        self.mae = mae
        self.r2 = r2
    }

    /// The metrics of `predictions` against `targets` (equal shapes, one sample per row),
    /// summed in Double in row-major order. Empty sets give NaN for every metric.
    public init<Scalar: BinaryFloatingPoint>(predictions: Tensor<Scalar>, targets: Tensor<Scalar>) {
        precondition(predictions.rows == targets.rows && predictions.columns == targets.columns,
                     "RegressionMetrics: predictions are \(predictions.shapeDescription) but targets are \(targets.shapeDescription)")
        let (rows, columns) = (targets.rows, targets.columns)
        var squares = 0.0, absolutes = 0.0
        var means = [Double](repeating: 0, count: columns)
        var residuals = [Double](repeating: 0, count: columns)
        var totals = [Double](repeating: 0, count: columns)
        predictions.withUnsafeBufferPointer { y in
            targets.withUnsafeBufferPointer { t in
                for row in 0..<rows {
                    for column in 0..<columns { means[column] += Double(t[row * columns + column]) }
                }
                for column in 0..<columns { means[column] /= Double(max(rows, 1)) }
                for row in 0..<rows {
                    for column in 0..<columns {
                        let target = Double(t[row * columns + column])
                        let error = Double(y[row * columns + column]) - target
                        squares += error * error
                        absolutes += abs(error)
                        residuals[column] += error * error
                        totals[column] += (target - means[column]) * (target - means[column])
                    }
                }
            }
        }
        let count = Double(rows * columns)
        rmse = (squares / count).squareRoot()
        mae = absolutes / count
        let perColumn = zip(residuals, totals).map { residual, total in
            total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        }
        r2 = rows == 0 || columns == 0 ? .nan : perColumn.reduce(0, +) / Double(columns)
    }
}
