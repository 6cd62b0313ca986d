import Backprop
import Foundation
import Testing

/// The filter pictures of `backprop filters`: the book's `filter_show` scaling (each filter
/// from its own minimum, white, to its maximum, black, through matplotlib's 256-entry
/// `gray_r`), channel 0 only, eight to a row.
@Suite("Convolution filters as grey-scale pictures")
struct FilterGridTests {
    /// The `fill="#rrggbb"` colours of an SVG in document order (the pixels; frames have none).
    static func fills(_ svg: String) -> [String] {
        svg.split(separator: "fill=\"#").compactMap { piece in
            let colour = piece.prefix(6)
            return colour.count == 6 && colour.allSatisfy(\.isHexDigit) && piece.dropFirst(6).first == "\"" ? String(colour) : nil
        }
    }

    @Test("Two filters of two channels: channel 0 scaled min..max to white..black, a constant filter white")
    func levels() {
        // [FN 2, C 2, FH 2, FW 2]; channel 1 holds extremes that must not change channel 0's scale.
        let weights = Tensor<Float>(shape: [2, 2, 2, 2], scalars: [0, 1, 2, 3, 100, -100, 7, 7,
                                                                   5, 5, 5, 5, -1, 1, 0, 0])
        let grid = FilterGrid(weights: weights)
        #expect(grid.filterCount == 2 && grid.channels == 2 && grid.height == 2 && grid.width == 2)
        // t = 0, 1/3, 2/3, 1 → entries 0, 85, 170, 255 → greys 255, 170, 85, 0.
        #expect(grid.levels == [[255, 170, 85, 0], [255, 255, 255, 255]])
        #expect(grid.rowCount == 1)
    }

    @Test("Negative weights in Double: -0.5, 0.25, 0.5 give greys 255, 63, 0")
    func negativeWeights() {
        let grid = FilterGrid(weights: Tensor<Double>(shape: [1, 1, 1, 3], scalars: [-0.5, 0.25, 0.5]))
        // t = 0.75 → entry floor(192) = 192 → grey 63.
        #expect(grid.levels == [[255, 63, 0]])
    }

    @Test("The SVG draws every pixel in order, eight filters to a row, the ninth starting the second row")
    func svg() {
        // Ten 1x2 filters: filter i is [i, 0] for i > 0 (black, white); filter 0 is constant (white, white).
        let scalars: [Float] = (0..<10).flatMap { [Float($0), 0] }
        let grid = FilterGrid(weights: Tensor(shape: [10, 1, 1, 2], scalars: scalars))
        #expect(grid.rowCount == 2)
        let document = grid.svg(title: "ten <filters>")
        #expect(Self.fills(document) == ["ffffff", "ffffff"] + Array(repeating: ["000000", "ffffff"], count: 9).flatMap { $0 })
        #expect(document.components(separatedBy: "<g class=\"filter\">").count - 1 == 10)
        #expect(document.contains("ten &lt;filters&gt;"))
        // 48 / 2 = 24-unit pixels, a 48-unit cell, a gap of 2.4 rounded to 2: a grid 8 x 48 + 7 x 2
        // = 398 wide, centred on a 422-unit canvas; filter 8 starts the second row at x 12,
        // 12 + 28 + 24 + 2 = 66 down.
        #expect(document.contains("<rect x=\"12.0\" y=\"66.0\" width=\"24.0\" height=\"24.0\" fill=\"#000000\""), "\(document)")
    }

    @Test("A network's first convolution is drawn; a network without one has no filters")
    func firstConvolution() throws {
        var generator = SeededGenerator(seed: 5)
        let net = try MultiLayerNet(inputShape: [1, 5, 5],
                                    layers: [.convolution(filters: 3, kernel: 3), .activation(.relu),
                                             .convolution(filters: 2, kernel: 2), .affine(units: 2)],
                                    backend: ReferenceBackend<Double>(), generator: &generator)
        let first = try #require(net.layers.first as? Convolution<ReferenceBackend<Double>>)
        let grid = try #require(FilterGrid(firstConvolutionOf: net))
        #expect(grid == FilterGrid(weights: first.weights))
        #expect(grid.filterCount == 3 && grid.height == 3)
        // He-initialized weights are distinct, so each filter spans white to black.
        #expect(grid.levels.allSatisfy { $0.min() == 0 && $0.max() == 255 })
        let dense = MultiLayerNet<ReferenceBackend<Double>>(inputSize: 4, hiddenSizes: [3], outputSize: 2,
                                                           backend: ReferenceBackend<Double>(), generator: &generator)
        #expect(FilterGrid(firstConvolutionOf: dense) == nil)
    }
}
