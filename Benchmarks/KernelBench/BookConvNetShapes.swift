import Backprop

/// The convolution and pooling shapes of the book's two convolutional networks, read off
/// their layer lists (`NetworkPreset`, the same ones `backprop train --network` builds) for
/// MNIST's 1x28x28 images: the conv and pool suites measure exactly what training runs.
struct BookConvNetShapes {
    /// A convolution of one network and what it is ("simple conv1", "deep conv4").
    struct ConvolutionLayer {
        var geometry: ConvolutionGeometry
        var note: String
        /// Whether it is the network's first layer, whose dx training never computes.
        var isFirst: Bool
    }

    /// A max pooling of one network and what it is ("deep pool2").
    struct PoolingLayer {
        var geometry: PoolingGeometry
        var note: String
    }

    var convolutions: [ConvolutionLayer] = []
    var poolings: [PoolingLayer] = []
    /// Multiply-adds of the fully connected layers per sample, (inputs · outputs) each.
    var affineProducts: [Int] = []

    /// MNIST's image: one grey-scale plane of 28 x 28.
    static let mnistImage = [1, 28, 28]

    /// The shapes of `preset` for MNIST's 10 classes; `name` starts each note ("simple").
    init(_ preset: NetworkPreset, name: String) {
        var shape = Self.mnistImage
        for (index, spec) in preset.specs(outputSize: 10).enumerated() {
            switch spec {
            case .convolution(let filters, let kernel, let stride, let pad):
                let geometry = ConvolutionGeometry(channels: shape[0], height: shape[1], width: shape[2], filters: filters,
                                                   kernelHeight: kernel, kernelWidth: kernel, stride: stride, pad: pad)
                convolutions.append(ConvolutionLayer(geometry: geometry, note: "\(name) conv\(convolutions.count + 1)",
                                                     isFirst: index == 0))
                shape = geometry.outputShape
            case .maxPool(let size, let stride, let pad):
                let geometry = PoolingGeometry(channels: shape[0], height: shape[1], width: shape[2], size: size,
                                               stride: stride, pad: pad)
                poolings.append(PoolingLayer(geometry: geometry, note: "\(name) pool\(poolings.count + 1)"))
                shape = geometry.outputShape
            case .affine(let units):
                affineProducts.append(shape.reduce(1, *) * units)
                shape = [units]
            case .activation, .dropout, .batchNorm:
                break
            }
        }
    }

    /// Both networks: SimpleConvNet (chapter 7), then DeepConvNet (chapter 8).
    static let both = [BookConvNetShapes(.simpleConvnet, name: "simple"), BookConvNetShapes(.deepConvnet, name: "deep")]

    /// The dense FLOPs of one training step of `batch` samples: every convolution forward, dW
    /// and (except for the first layer) dx, each 2·N·FN·OH·OW·C·FH·FW; every affine layer's
    /// three products (forward, dW, dX), 2·N·inputs·outputs each.
    func stepFlops(batch: Int) -> Double {
        let convolution = convolutions.reduce(0.0) { sum, layer in
            sum + Double(layer.isFirst ? 2 : 3) * ConvolutionProblem.forwardFlops(layer.geometry, images: batch)
        }
        let affine = affineProducts.reduce(0.0) { $0 + 3 * 2 * Double(batch) * Double($1) }
        return convolution + affine
    }
}
