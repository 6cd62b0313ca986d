/// The shape of a convolution over one image: what ``ConvolutionKernels`` need besides the
/// batch size, `ck_conv_shape` in the C core.
///
/// An input image is `channels` planes of `height` x `width`; the filter bank is
/// `[filters, channels, kernelHeight, kernelWidth]` (the book's and PyTorch `Conv2d`'s layout);
/// the window moves by `stride` over the input padded with `pad` zeros on every side.
public struct ConvolutionGeometry: Hashable, Sendable {
    /// C, the input's planes.
    public var channels: Int
    /// H, the input's rows.
    public var height: Int
    /// W, the input's columns.
    public var width: Int
    /// FN, the number of filters (the output's planes).
    public var filters: Int
    /// FH, the filters' rows.
    public var kernelHeight: Int
    /// FW, the filters' columns.
    public var kernelWidth: Int
    /// How far the window moves, across and down.
    public var stride: Int
    /// Zeros added on every side of the input.
    public var pad: Int

    /// A geometry; ``isValid`` says whether the kernels take it.
    public init(channels: Int, height: Int, width: Int, filters: Int, kernelHeight: Int, kernelWidth: Int,
                stride: Int = 1, pad: Int = 0) {
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.filters, self.kernelHeight, self.kernelWidth) = (filters, kernelHeight, kernelWidth)
        (self.stride, self.pad) = (stride, pad)
    }

    /// Positive sizes and stride, pad >= 0, and a padded input at least as large as a filter.
    public var isValid: Bool {
        [channels, height, width, filters, kernelHeight, kernelWidth, stride].allSatisfy { $0 > 0 } && pad >= 0
            && height + 2 * pad >= kernelHeight && width + 2 * pad >= kernelWidth
    }

    /// OH = (H + 2·pad - FH) / stride + 1, the book's formula.
    public var outputHeight: Int { (height + 2 * pad - kernelHeight) / stride + 1 }
    /// OW = (W + 2·pad - FW) / stride + 1.
    public var outputWidth: Int { (width + 2 * pad - kernelWidth) / stride + 1 }
    /// C·FH·FW: the weights per filter, and a filter's fan-in.
    public var taps: Int { channels * kernelHeight * kernelWidth }
    /// One input image's elements, C·H·W.
    public var inputCount: Int { channels * height * width }
    /// One output image's elements, FN·OH·OW.
    public var outputCount: Int { filters * outputHeight * outputWidth }
    /// One input image's shape, `[C, H, W]`.
    public var inputShape: [Int] { [channels, height, width] }
    /// One output image's shape, `[FN, OH, OW]`.
    public var outputShape: [Int] { [filters, outputHeight, outputWidth] }
    /// The filter bank's shape, `[FN, C, FH, FW]`.
    public var weightShape: [Int] { [filters, channels, kernelHeight, kernelWidth] }
}
