import Backprop
import CKernels
import Testing
import TestSupport

extension SerializedCoreTests {
    /// The minibatch gather: a copy, so the C core must match ReferenceBackend<Float> exactly,
    /// for repeated indices, padded leading dimensions and sizes on both sides of the parallel
    /// threshold; out-of-range indices are refused before anything is written.
    @Suite("Minibatch gather")
    struct GatherTests {
        @Test("Gathering rows matches ReferenceBackend<Float>", arguments: [(0, 5), (1, 1), (7, 33), (100, 784), (300, 300)])
        func matchesReference(rows: Int, width: Int) throws {
            var rng = SeededGenerator(seed: 61)
            let sourceRows = 40
            let source = Tensor<Float>(shape: [sourceRows, width], scalars: rng.floats(sourceRows * width))
            let indices = (0..<rows).map { _ in rng.int(in: 0...(sourceRows - 1)) }
            var expected = Tensor<Float>(shape: [0])
            ReferenceBackend<Float>().gatherRows(of: source, at: indices, into: &expected)
            #expect(expected.shape == [rows, width])
            for (row, index) in indices.enumerated() where width > 0 {
                #expect(expected[row, width - 1] == source[index, width - 1])
            }
            try forEachSupportedISA { isa in
                withThreadCount(2) {
                    var gathered = Tensor<Float>(shape: [0])
                    FastBackend().gatherRows(of: source, at: indices, into: &gathered)
                    #expect(gathered == expected, "gather \(rows)x\(width) on \(isa.name)")
                }
            }
        }

        @Test("Leading dimensions larger than the row are honoured, the padding is left alone")
        func leadingDimensions() {
            let source: [Float] = [1, 2, 9, 3, 4, 9, 5, 6, 9]   // 3 rows of 2, ld 3
            var destination = [Float](repeating: -1, count: 8)     // 2 rows of 2, ld 4
            let indices = [2, 0]
            #expect(ck_gather_rows(2, 2, source, 3, 3, indices, &destination, 4) == CK_OK)
            #expect(destination == [5, 6, -1, -1, 1, 2, -1, -1])
        }

        @Test("An index outside the source is CK_ERANGE and writes nothing")
        func outOfRange() {
            let source: [Float] = [1, 2, 3, 4]
            var destination: [Float] = [-1, -1, -1, -1]
            for bad in [[0, 2], [-1, 0]] {
                #expect(ck_gather_rows(2, 2, source, 2, 2, bad, &destination, 2) == CK_ERANGE)
                #expect(destination == [-1, -1, -1, -1])
            }
            #expect(ck_gather_rows(2, 2, source, 2, 1, [0, 1], &destination, 2) == CK_EINVAL)
        }
    }
}
