@testable import Backprop
import Testing
import TestSupport

/// Arrays built in huge-page-advised memory (training sets) hold exactly what their initializer
/// wrote, whatever the size: the advice changes where the memory comes from, never its contents.
@Suite("Huge-page-backed arrays")
struct HugePageArrayTests {
    /// 0 and 1 element; less than a huge page; 3 MiB of floats, which contains a whole 2 MiB-aligned
    /// page wherever the allocator puts it.
    @Test("every element is the initializer's", arguments: [0, 1, 1000, 786_432])
    func elements(count: Int) {
        let array = [Float].hugePageBacked(count: count) { buffer in
            for i in buffer.indices { buffer[i] = Float(i % 9973) - 0.5 }
        }
        #expect(array.count == count)
        #expect(array.indices.allSatisfy { array[$0] == Float($0 % 9973) - 0.5 })
    }

    @Test("IDX images large enough for huge pages keep NumPy's values", arguments: [true, false])
    func images(normalize: Bool) throws {
        // 4000 images of 28 x 28: 12.5 MB of floats.
        let shape: [UInt32] = [4000, 28, 28]
        let elements = (0 ..< 4000 * 28 * 28).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let array = try IDXReader.parse(idxFile(shape: shape, elements: elements), dimensionCount: 3, source: "images")
        let images = array.images(normalize: normalize)
        #expect(images.shape == [4000, 784])
        let expected = elements.map { normalize ? Float($0) / 255 : Float($0) }
        #expect(images.scalars == expected)
    }
}

extension HugePageArrayTests {
    @Test("samples(at:) copies the chosen rows in order, repeats included, into huge-page-backed memory")
    func samples() {
        // 3000 rows of 784: 9.4 MB, so the copy spans whole huge pages.
        let rows = 3000, features = 784
        let inputs = Tensor<Float>(shape: [rows, features], scalars: (0 ..< rows * features).map { Float($0 % 65_521) })
        let data = Dataset(inputs: inputs, labels: (0 ..< rows).map { Int32($0 % 10) }, classCount: 10)
        let indices = [2999, 0, 17, 17, 1500] + Array(stride(from: 1, to: rows, by: 2))
        let picked = data.samples(at: indices)
        #expect(picked.inputs.shape == [indices.count, features])
        #expect(picked.labels == indices.map { Int32($0 % 10) })
        let expected = indices.flatMap { row in (0 ..< features).map { Float((row * features + $0) % 65_521) } }
        #expect(picked.inputs.scalars == expected)
        #expect(data.samples(at: []).inputs.shape == [0, features])
    }
}
