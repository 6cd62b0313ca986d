@testable import Backprop
import Foundation
import PropertyBased
import Testing

@Suite("Axis ticks of the learning curves: 1-2-5 steps covering the range")
struct AxisTicksTests {
    @Test("The ranges of a book run: loss, iterations, epochs, accuracy")
    func bookRun() {
        let loss = AxisTicks(covering: 0...2.303)
        #expect(loss.labels == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        let iterations = AxisTicks(covering: 0...10_000, integers: true)
        #expect(iterations.labels == ["0", "2000", "4000", "6000", "8000", "10000"])
        let epochs = AxisTicks(covering: 0...16, integers: true)
        #expect(epochs.values == [0, 2, 4, 6, 8, 10, 12, 14, 16])
        let accuracy = AxisTicks(covering: 0.1474...1)
        #expect(accuracy.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let highAccuracy = AxisTicks(covering: 0.9...1)
        #expect(highAccuracy.labels == ["0.90", "0.92", "0.94", "0.96", "0.98", "1.00"])
    }

    @Test("Ranges that are short, negative, tiny, or a single value")
    func otherRanges() {
        #expect(AxisTicks(covering: 0...1, integers: true).values == [0, 1])
        #expect(AxisTicks(covering: 0...0, integers: true).values == [0, 1])
        #expect(AxisTicks(covering: 0...3, integers: true).values == [0, 1, 2, 3])
        #expect(AxisTicks(covering: 0...7, integers: true).values == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(AxisTicks(covering: 1...51, integers: true).values == [0, 10, 20, 30, 40, 50, 60])
        #expect(AxisTicks(covering: -3.7...12.2).values == [-5, 0, 5, 10, 15])
        #expect(AxisTicks(covering: 0.000123...0.000456).labels
                == ["0.00010", "0.00015", "0.00020", "0.00025", "0.00030", "0.00035", "0.00040", "0.00045", "0.00050"])
        #expect(AxisTicks(covering: 2.3...2.3).labels == ["2.30", "2.35", "2.40", "2.45", "2.50", "2.55"])
        #expect(AxisTicks(covering: -1...(-0.2)).labels == ["-1.0", "-0.9", "-0.8", "-0.7", "-0.6", "-0.5", "-0.4", "-0.3", "-0.2"])
        #expect(AxisTicks(covering: -1...(-0.2), maximumCount: 6).labels == ["-1.0", "-0.8", "-0.6", "-0.4", "-0.2"])
        #expect(AxisTicks(covering: 0...1, maximumCount: 2).values == [0, 1])
        // Zero inside the range: two multiples of a step cannot cover it, three can.
        #expect(AxisTicks(covering: -0.0048...0.0044, maximumCount: 2).values == [-0.005, 0, 0.005])
    }

    @Test("For any range: ticks cover it, evenly by the smallest fitting 1-2-5 step, within the count bounds")
    func laws() async {
        let input = zip(Gen.double(in: -6...6), Gen.double(in: -20...20), Gen.int(in: 2...12), Gen.bool)
        await propertyCheck(count: 300, input: input) { logSpan, offset, maximumCount, integers in
            let span = pow(10, logSpan)
            let lower = offset * span, upper = lower + span
            let ticks = AxisTicks(covering: lower...upper, maximumCount: maximumCount, integers: integers)
            let step = ticks.step, values = ticks.values
            let slack = 1e-9 * step
            #expect([1, 2, 5].contains(ticks.mantissa))
            #expect(abs(step - Double(ticks.mantissa) * pow(10, Double(ticks.exponent))) <= 1e-12 * step)
            #expect(values.first! <= lower + slack && values.last! >= upper - slack, "\(values) for \(lower)...\(upper)")
            for (index, value) in values.enumerated() {
                #expect(abs(value - (values[0] + Double(index) * step)) <= slack * Double(index + 1))
                #expect(abs((value / step).rounded() - value / step) < 1e-6, "\(value) is not a multiple of \(step)")
            }
            let straddlesZero = lower < 0 && upper > 0
            #expect(values.count >= 2 && values.count <= max(maximumCount, straddlesZero ? 3 : 2))
            let clamped = integers && step == 1
            if !clamped {
                #expect(values.count >= (maximumCount - 2) * 2 / 5 + 2, "\(values.count) ticks, at most \(maximumCount)")
                // The next smaller 1-2-5 step would need more ticks than allowed.
                let smaller = step / (ticks.mantissa == 5 ? 2.5 : 2)
                let needed = Int((upper / smaller - 1e-9).rounded(.up)) - Int((lower / smaller + 1e-9).rounded(.down)) + 1
                #expect(needed > maximumCount, "step \(smaller) would fit in \(needed) ticks")
            }
            if integers {
                #expect(step >= 1 && values.allSatisfy { $0 == $0.rounded() })
            }
            // Every label has the step's decimals and reads back as its tick.
            for (label, value) in zip(ticks.labels, values) {
                let decimals = label.split(separator: ".").dropFirst().first?.count ?? 0
                #expect(decimals == ticks.decimals, "\(ticks.labels)")
                #expect(abs(Double(label)! - value) <= slack, "\(label) vs \(value)")
            }
        }
    }
}

@Suite("Exponential moving average of the loss")
struct ExponentialMovingAverageTests {
    @Test("Bias-corrected: starts at the first value, then weighs older values by β each step")
    func values() {
        let smoothed = ExponentialMovingAverage.smoothed([2, 4, 4], weight: 0.5)
        // s1 = 1 -> 1 / 0.5 = 2; s2 = 0.5 + 2 = 2.5 -> 2.5 / 0.75; s3 = 1.25 + 2 = 3.25 -> 3.25 / 0.875.
        #expect(smoothed == [2, 2.5 / 0.75, 3.25 / 0.875])
        #expect(ExponentialMovingAverage.smoothed([3, 1, 4], weight: 0) == [3, 1, 4])
    }

    @Test("A constant stays constant; values that are not finite are skipped")
    func constantAndNonFinite() {
        for value in ExponentialMovingAverage.smoothed(Array(repeating: 0.7, count: 50), weight: 0.9) {
            #expect(abs(value! - 0.7) < 1e-12)
        }
        #expect(ExponentialMovingAverage.smoothed([.nan, 5, .infinity, 5], weight: 0.9) == [nil, 5, 5, 5])
    }
}
