/// The book's `smooth_curve` (`common/util.py`), which its loss figures draw: a centred moving
/// average over 11 points weighted by a Kaiser window (β = 2), with the ends mirrored so the
/// smoothed curve has as many points as the raw one. Unlike an exponential moving average it
/// does not lag behind the raw curve.
enum BookSmoothing {
    /// The window's length, the book's `window_len`.
    static let windowLength = 11
    /// The Kaiser window's shape parameter, the book's `np.kaiser(window_len, 2)`.
    static let beta = 2.0

    /// The normalized window weights, symmetric, summing to 1.
    static let weights: [Double] = {
        let m = Double(windowLength - 1)
        let raw = (0..<windowLength).map { n in
            let r = 2 * Double(n) / m - 1
            return besselI0(beta * (1 - r * r).squareRoot()) / besselI0(beta)
        }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }()

    /// `values` smoothed as the book smooths them; series shorter than the window are returned
    /// unchanged (the book's reflection needs a full window of points).
    static func smoothed(_ values: [Double]) -> [Double] {
        let n = values.count, half = windowLength / 2
        guard n >= windowLength else { return values }
        // np.r_[x[window_len-1:0:-1], x, x[-1:-window_len:-1]]
        let padded = Array(values[1..<windowLength].reversed()) + values
            + Array(values[(n - windowLength + 1)...].reversed())
        // np.convolve(w / w.sum(), s, mode='valid')[5:-5]: the window is symmetric, so the
        // convolution is a plain weighted sum.
        return (0..<n).map { index in
            let start = index + half
            var sum = 0.0
            for k in 0..<windowLength { sum += weights[k] * padded[start + k] }
            return sum
        }
    }

    /// The modified Bessel function of the first kind of order 0, from its power series
    /// Σ ((x/2)^k / k!)²: the terms fall fast for the small arguments a window needs.
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > 1e-17 * sum {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }
}
