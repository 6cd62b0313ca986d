/// The shape of max pooling over one image: what ``ConvolutionKernels`` need besides the batch
/// size, `ck_pool_shape` in the C core.
///
/// Square windows of `size` move by `stride` over `channels` planes of `height` x `width`
/// padded by `pad` on every side; padding takes no part in a maximum (PyTorch's `MaxPool2d`).
public struct PoolingGeometry: Hashable, Sendable {
    /// C, the planes (pooled one by one).
    public var channels: Int
    /// H, the input's rows.
    public var height: Int
    /// W, the input's columns.
    public var width: Int
    /// The window's side.
    public var size: Int
    /// How far the window moves.
    public var stride: Int
    /// Padding on every side, less than `size` so that every window holds an input element.
    public var pad: Int

    /// A geometry; ``isValid`` says whether the kernels take it.
    public init(channels: Int, height: Int, width: Int, size: Int, stride: Int, pad: Int = 0) {
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.size, self.stride, self.pad) = (size, stride, pad)
    }

    /// Positive sizes and stride, 0 <= pad < size, a padded plane at least one window, and a
    /// plane whose indices fit the argmax's Int32.
    public var isValid: Bool {
        [channels, height, width, size, stride].allSatisfy { $0 > 0 } && pad >= 0 && pad < size
            && height + 2 * pad >= size && width + 2 * pad >= size && height * width <= Int(Int32.max)
    }

    /// (H + 2·pad - size) / stride + 1.
    public var outputHeight: Int { (height + 2 * pad - size) / stride + 1 }
    /// (W + 2·pad - size) / stride + 1.
    public var outputWidth: Int { (width + 2 * pad - size) / stride + 1 }
    /// One input image's elements, C·H·W.
    public var inputCount: Int { channels * height * width }
    /// One output image's elements, C·OH·OW.
    public var outputCount: Int { channels * outputHeight * outputWidth }
    /// One output image's shape, `[C, OH, OW]`.
    public var outputShape: [Int] { [channels, outputHeight, outputWidth] }
}
