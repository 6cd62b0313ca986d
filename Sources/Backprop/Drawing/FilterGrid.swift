/// A convolution's filters as grey-scale pictures, laid out as the book's
/// `ch07/visualize_filter.py` lays them out: channel 0 of each of the FN filters, eight to a
/// row, each scaled from its own smallest to its largest weight and drawn with matplotlib's
/// `gray_r` (the smallest weight white, the largest black).
///
/// Before training the pictures are noise; after it, chapter 7 shows, many filters become
/// edge and blob detectors. The grey levels are computed here, apart from any file format, so
/// the scaling can be checked with numbers.
public struct FilterGrid: Equatable, Sendable {
    /// Filters per row: the book's `filter_show(filters, nx=8)`.
    public static let columns = 8

    /// The number of filters, FN.
    public let filterCount: Int
    /// Each filter's height in pixels, FH.
    public let height: Int
    /// Each filter's width in pixels, FW.
    public let width: Int
    /// The channels each filter has, C; only channel 0 is drawn, as in the book.
    public let channels: Int
    /// Each filter's grey levels, FH x FW in row-major order, from 0 (black) to 255 (white).
    public let levels: [[UInt8]]

    /// The pictures of `weights`, `[FN, C, FH, FW]` (the layout of ``Convolution/weights``).
    public init<Scalar>(weights: Tensor<Scalar>) {
        precondition(weights.rank == 4, "FilterGrid: weights must be [FN, C, FH, FW], got \(weights.shape)")
        let (filters, channels, height, width) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        self.filterCount = filters
        self.channels = channels
        self.height = height
        self.width = width
        let pixels = height * width
        levels = (0..<filters).map { filter in
            let first = filter * channels * pixels
            return Self.greyLevels((0..<pixels).map { Double(weights[flat: first + $0]) })
        }
    }

    /// The pictures of the first convolution in `network`, or nil when it has none.
    public init?<Backend: KernelBackend>(firstConvolutionOf network: MultiLayerNet<Backend>) {
        guard let convolution = network.layers.lazy.compactMap({ $0 as? Convolution<Backend> }).first else { return nil }
        self.init(weights: convolution.weights)
    }

    /// The rows of the grid: `ceil(FN / 8)`, the book's `ny`.
    public var rowCount: Int { (filterCount + Self.columns - 1) / Self.columns }

    /// `values` as `imshow(..., cmap=gray_r)` colours them: matplotlib's `Normalize` maps the
    /// smallest value to 0 and the largest to 1 (everything to 0 when they are equal), the
    /// 256-entry colour map takes entry `floor(t * 256)` (1 itself takes the last), and
    /// `gray_r`'s entry i is the grey 255 - i.
    static func greyLevels(_ values: [Double]) -> [UInt8] {
        guard let low = values.min(), let high = values.max() else { return [] }
        return values.map { value in
            let t = high > low ? (value - low) / (high - low) : 0
            return UInt8(255 - min(255, Int((t * 256).rounded(.down))))
        }
    }
}
