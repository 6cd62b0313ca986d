/// Numbers as the book prints them in its graphs and examples: 220 rather than
/// 220.00000000000003, 2.2 rather than 2.2000000000000002. Rounding to nine decimals first
/// removes the last-bit noise of binary floating point that the book's figures never show.
public enum BookNumberFormat {
    /// `value` rounded to nine decimals, without a fraction when it is whole ("220", "2.2", "-0.5").
    public static func string(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let rounded = (value * 1e9).rounded() / 1e9
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return String(Int64(rounded))
        }
        return String(rounded)
    }
}
