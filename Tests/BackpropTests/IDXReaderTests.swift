import Backprop
import Foundation
import PropertyBased
import Testing
import TestSupport

@Suite("IDXReader")
struct IDXReaderTests {
    let source = "/data/sample-idx3-ubyte"

    @Test("a valid file gives its shape and elements")
    func validFile() throws {
        let elements = (0 ..< 24).map { UInt8($0 * 10) }
        let array = try IDXReader.parse(idxFile(shape: [2, 3, 4], elements: elements), dimensionCount: 3,
                                        source: source)
        #expect(array.shape == [2, 3, 4])
        #expect(array.count == 24)
        #expect(array.elements == elements)
        #expect(array.withUnsafeElements { $0.reduce(0) { $0 + Int($1) } } == 2760)
    }

    @Test("a gzip-compressed file on disk is read the same way")
    func gzipFile() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(StoredGzip.member(idxFile(shape: [3], elements: [4, 5, 6])), to: "l.gz")
        let array = try IDXReader.read(url, dimensionCount: 1)
        #expect(array.shape == [3])
        #expect(array.elements == [4, 5, 6])
        #expect(array.source == url.path)
    }

    @Test("zero-sized dimensions are valid")
    func emptyArray() throws {
        let array = try IDXReader.parse(idxFile(shape: [0, 28, 28], elements: []), dimensionCount: 3, source: source)
        #expect(array.shape == [0, 28, 28])
        #expect(array.count == 0)
    }

    @Test("a header that is not IDX is refused with its magic number")
    func wrongMagic() {
        let zip = Array("PK\u{3}\u{4}rest of a zip file".utf8)
        expectError(DataError.wrongMagic(path: source, magic: 0x504B_0304), mentioning: source) {
            try IDXReader.parse(zip, dimensionCount: 3, source: source)
        }
        #expect(DataError.wrongMagic(path: source, magic: 0x504B_0304).description.contains("0x504b0304"))
    }

    @Test("an element type other than unsigned bytes is refused")
    func wrongTypeCode() {
        let floats = idxFile(typeCode: 0x0D, shape: [1], elements: [0, 0, 0, 0])
        expectError(DataError.unsupportedTypeCode(path: source, typeCode: 0x0D), mentioning: source) {
            try IDXReader.parse(floats, dimensionCount: 1, source: source)
        }
    }

    @Test("a labels file where images are expected is refused by its dimension count")
    func wrongDimensionCount() {
        let labels = idxFile(shape: [2], elements: [1, 2])
        expectError(DataError.wrongDimensionCount(path: source, found: 1, expected: 3), mentioning: source) {
            try IDXReader.parse(labels, dimensionCount: 3, source: source)
        }
    }

    @Test("a header cut short is refused", arguments: [0, 3, 4, 15])
    func truncatedHeader(byteCount: Int) {
        let bytes = Array(idxFile(shape: [1, 1, 1], elements: [9]).prefix(byteCount))
        let headerSize = byteCount < 4 ? 4 : 16
        expectError(DataError.truncatedHeader(path: source, byteCount: byteCount, headerSize: headerSize),
                    mentioning: source) {
            try IDXReader.parse(bytes, dimensionCount: 3, source: source)
        }
    }

    @Test("sizes whose product overflows Int are refused")
    func sizeOverflow() {
        let huge = idxFile(shape: [.max, .max, .max], elements: [1, 2, 3])
        let max = Int(UInt32.max)
        expectError(DataError.sizeOverflow(path: source, dimensions: [max, max, max]), mentioning: source) {
            try IDXReader.parse(huge, dimensionCount: 3, source: source)
        }
    }

    @Test("a zero size does not excuse sizes whose product overflows", arguments: [
        [0, UInt32.max, UInt32.max], [UInt32.max, 0, UInt32.max], [UInt32.max, UInt32.max, 0],
    ])
    func sizeOverflowBesideZero(shape: [UInt32]) {
        // Found by Fuzz/IDXFuzzer: [0, max, max] used to be accepted as an empty array, and the
        // MNIST loader then trapped multiplying the image's rows by its columns.
        expectError(DataError.sizeOverflow(path: source, dimensions: shape.map { Int($0) }), mentioning: source) {
            try IDXReader.parse(idxFile(shape: shape, elements: []), dimensionCount: 3, source: source)
        }
    }

    @Test("sizes overflow exactly when the product of the nonzero ones exceeds Int.max")
    func sizeOverflowLaw() async {
        let sizes: [UInt32] = [0, 1, 3, 1 << 16, 1 << 31, .max]
        await propertyCheck(input: Gen.element(of: sizes).compactMap { $0 }.array(of: 3)) { shape in
            // Int.max is 2^63 - 1, so a product overflows when it reaches 2^63. In Double,
            // every product of these sizes is exact or far from 2^63.
            let nonzeroProduct = shape.filter { $0 != 0 }.map(Double.init).reduce(1, *)
            var refusedAsOverflow = false
            do {
                _ = try IDXReader.parse(idxFile(shape: shape, elements: []), dimensionCount: 3, source: source)
            } catch {
                let overflow = DataError.sizeOverflow(path: source, dimensions: shape.map { Int($0) })
                refusedAsOverflow = error as? DataError == overflow
            }
            #expect(refusedAsOverflow == (nonzeroProduct >= 0x1p63), "shape \(shape)")
        }
    }

    @Test("sizes that exceed the file, or data one byte short, are truncated data")
    func truncatedData() {
        let claimsFullMNIST = idxFile(shape: [60_000, 28, 28], elements: Array(repeating: 0, count: 10))
        expectError(DataError.truncatedData(path: source, expectedBytes: 47_040_000, actualBytes: 10),
                    mentioning: source) {
            try IDXReader.parse(claimsFullMNIST, dimensionCount: 3, source: source)
        }
        let oneShort = idxFile(shape: [2, 2, 2], elements: Array(repeating: 0, count: 7))
        expectError(DataError.truncatedData(path: source, expectedBytes: 8, actualBytes: 7), mentioning: source) {
            try IDXReader.parse(oneShort, dimensionCount: 3, source: source)
        }
    }

    @Test("bytes after the data are refused")
    func trailingBytes() {
        let bytes = idxFile(shape: [2], elements: [1, 2, 0, 0, 0])
        expectError(DataError.trailingBytes(path: source, count: 3), mentioning: source) {
            try IDXReader.parse(bytes, dimensionCount: 1, source: source)
        }
    }
}
