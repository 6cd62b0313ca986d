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
