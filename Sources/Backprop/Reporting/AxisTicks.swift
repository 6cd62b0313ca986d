import Foundation

/// The tick marks of a chart axis, placed as a person would: round values 1, 2 or 5 × 10^k
/// apart (0, 0.5, 1.0, 1.5; 0, 2000, 4000), covering the data's range, with every label
/// written to the same number of decimals, and for an axis of counts (epochs) whole numbers only.
///
/// The step is the smallest 1-2-5 step that covers the range in at most `maximumCount` ticks;
/// since the next smaller step (at most 2.5 times smaller) needed more, there are at least
/// ⌊(maximumCount − 2) / 2.5⌋ + 2 ticks unless `integers` kept the step from going below 1.
struct AxisTicks: Equatable {
    /// The tick values, ascending, evenly spaced by ``step``; the first is at or below the
    /// range's lower bound, the last at or above its upper bound.
    let values: [Double]
    /// The distance between ticks: `mantissa` × 10^`exponent`.
    let step: Double
    /// 1, 2 or 5.
    let mantissa: Int
    /// The power of ten of the step.
    let exponent: Int

    /// Ticks covering `range` with at most `maximumCount` (at least 2; 3 when zero lies strictly
    /// inside the range) ticks; with `integers`
    /// the step is a whole number. An empty range (a single value) is widened upwards by one
    /// unit for integers, else by a tenth of its magnitude (or 1 at zero).
    init(covering range: ClosedRange<Double>, maximumCount: Int = 9, integers: Bool = false) {
        precondition(maximumCount >= 2, "an axis needs at least 2 ticks, asked for at most \(maximumCount)")
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "ticks need a finite range, got \(range)")
        let lower = range.lowerBound
        var upper = range.upperBound
        if upper == lower {
            upper = lower + (integers ? 1 : (lower == 0 ? 1 : abs(lower) / 10))
        }
        let span = upper - lower
        // Ticks are multiples of the step, so a range with zero strictly inside needs three of
        // them at least (-step, 0, step), whatever the maximum.
        let intervals = lower < 0 && upper > 0 ? max(maximumCount - 1, 2) : maximumCount - 1
        // Start a decade below a step that could not work (span/10/intervals), so the first
        // candidate always fails and the chosen step is the smallest that fits.
        var exponent = Int((log10(span / Double(intervals))).rounded(.down)) - 1
        if integers { exponent = max(exponent, 0) }
        while true {
            for mantissa in [1, 2, 5] {
                let (first, last) = Self.bounds(lower, upper, mantissa: mantissa, exponent: exponent)
                if last > first && last - first <= intervals {
                    self.mantissa = mantissa
                    self.exponent = exponent
                    step = Self.value(1, mantissa: mantissa, exponent: exponent)
                    values = (first...last).map { Self.value($0, mantissa: mantissa, exponent: exponent) }
                    return
                }
            }
            exponent += 1
        }
    }

    /// From the first tick to the last: the range the axis shows.
    var range: ClosedRange<Double> { values[0]...values[values.count - 1] }

    /// Decimals every label is written with: those of the step, so 0.5 steps read 0.0, 0.5, 1.0.
    var decimals: Int { max(0, -exponent) }

    /// The labels, each with ``decimals`` decimals.
    var labels: [String] {
        values.map { value in String(format: "%.\(decimals)f", value == 0 ? 0 : value) }
    }

    /// The indices of the first and last tick in units of the step. The 1e-9 of a step
    /// forgives the rounding of the division (1.1 / 0.1 = 11.000000000000002 is tick 11).
    private static func bounds(_ lower: Double, _ upper: Double, mantissa: Int, exponent: Int) -> (Int, Int) {
        let step = value(1, mantissa: mantissa, exponent: exponent)
        return (Int((lower / step + 1e-9).rounded(.down)), Int((upper / step - 1e-9).rounded(.up)))
    }

    /// index × mantissa × 10^exponent, as close to the decimal value as a Double gets: a
    /// negative power of ten is applied by dividing by the exact 10^-exponent.
    private static func value(_ index: Int, mantissa: Int, exponent: Int) -> Double {
        let units = Double(index * mantissa)
        return exponent >= 0 ? units * pow(10, Double(exponent)) : units / pow(10, Double(-exponent))
    }
}
