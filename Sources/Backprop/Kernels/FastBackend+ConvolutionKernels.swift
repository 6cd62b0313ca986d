import CKernels

// FastBackend's convolution and max pooling: each a call into the C core.

extension FastBackend: ConvolutionKernels {
    public func convolutionForward(images: Int, geometry: ConvolutionGeometry, x: UnsafeBufferPointer<Float>,
                                   weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                                   y: UnsafeMutableBufferPointer<Float>) {
        var shape = geometry.cShape
        check(ck_conv_forward(images, &shape, x.baseAddress, weights.baseAddress, bias.baseAddress, y.baseAddress),
              "ck_conv_forward", "\(images) images, \(geometry)")
    }

    public func convolutionBackward(images: Int, geometry: ConvolutionGeometry, x: UnsafeBufferPointer<Float>,
                                    weights: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>,
                                    weightGradient: UnsafeMutableBufferPointer<Float>,
                                    biasGradient: UnsafeMutableBufferPointer<Float>,
                                    dx: UnsafeMutableBufferPointer<Float>?) {
        var shape = geometry.cShape
        check(ck_conv_backward(images, &shape, x.baseAddress, weights.baseAddress, dy.baseAddress,
                               weightGradient.baseAddress, biasGradient.baseAddress, dx?.baseAddress),
              "ck_conv_backward", "\(images) images, \(geometry)")
    }

    public func maxPoolForward(images: Int, geometry: PoolingGeometry, x: UnsafeBufferPointer<Float>,
                               y: UnsafeMutableBufferPointer<Float>, argmax: UnsafeMutableBufferPointer<Int32>) {
        var shape = geometry.cShape
        check(ck_maxpool_forward(images, &shape, x.baseAddress, y.baseAddress, argmax.baseAddress),
              "ck_maxpool_forward", "\(images) images, \(geometry)")
    }

    public func maxPoolBackward(images: Int, geometry: PoolingGeometry, dy: UnsafeBufferPointer<Float>,
                                argmax: UnsafeBufferPointer<Int32>, dx: UnsafeMutableBufferPointer<Float>) {
        var shape = geometry.cShape
        check(ck_maxpool_backward(images, &shape, dy.baseAddress, argmax.baseAddress, dx.baseAddress),
              "ck_maxpool_backward", "\(images) images, \(geometry)")
    }
}

extension ConvolutionGeometry {
    /// The C core's form.
    var cShape: ck_conv_shape {
        ck_conv_shape(channels: channels, height: height, width: width, filters: filters,
                      kernel_height: kernelHeight, kernel_width: kernelWidth, stride: stride, pad: pad)
    }
}

extension PoolingGeometry {
    /// The C core's form.
    var cShape: ck_pool_shape {
        ck_pool_shape(channels: channels, height: height, width: width, size: size, stride: stride, pad: pad)
    }
}
