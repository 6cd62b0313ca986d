/// The number of elements of an array of `shape`, or nil when the product of some of its
/// extents does not fit in an `Int`.
///
/// Readers of untrusted files check a shape with this rather than with a running product:
/// a zero extent makes the running product 0 whatever follows, yet code downstream multiplies
/// some of the extents on their own (the columns of a tensor's matrix view, the pixels of an
/// MNIST image), which would trap on a shape like `[0, 2^32, 2^32]`. When the product of
/// the nonzero extents fits, the product of any of them fits too.
func checkedElementCount(of shape: [Int]) -> Int? {
    precondition(shape.allSatisfy { $0 >= 0 }, "checkedElementCount: negative extent in shape \(shape)")
    var nonzeroProduct = 1
    for extent in shape where extent != 0 {
        let (product, overflow) = nonzeroProduct.multipliedReportingOverflow(by: extent)
        guard !overflow else { return nil }
        nonzeroProduct = product
    }
    return shape.contains(0) ? 0 : nonzeroProduct
}
