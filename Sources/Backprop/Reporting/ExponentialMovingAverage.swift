/// The exponential moving average that smooths the noisy per-iteration loss in the learning
/// curves: s₀ = 0, sₜ = β·sₜ₋₁ + (1 − β)·xₜ, reported as sₜ / (1 − βᵗ). The division corrects
/// the start's pull towards 0 (as Adam corrects its moments), so the first smoothed value is
/// the first loss. A larger weight β smooths more: the average spans about 1 / (1 − β) values.
/// Values that are not finite are skipped, so one diverged step does not erase the curve.
struct ExponentialMovingAverage {
    /// β, in [0, 1): 0 follows the values exactly.
    let weight: Double
    private var sum = 0.0
    private var correction = 1.0

    init(weight: Double) {
        precondition((0..<1).contains(weight), "the smoothing weight must be in [0, 1), got \(weight)")
        self.weight = weight
    }

    /// Takes in `value` and returns the smoothed value so far (`nil` until a finite value came).
    mutating func add(_ value: Double) -> Double? {
        if value.isFinite {
            sum = weight * sum + (1 - weight) * value
            correction *= weight
        }
        return correction < 1 ? sum / (1 - correction) : nil
    }

    /// The smoothed value after each of `values`, aligned with them.
    static func smoothed(_ values: [Double], weight: Double) -> [Double?] {
        var average = ExponentialMovingAverage(weight: weight)
        return values.map { average.add($0) }
    }
}
