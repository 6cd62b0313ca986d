import Foundation

/// Reads the IDX format MNIST is distributed in, validating every header field.
///
/// An IDX file starts with a big-endian 32-bit magic number: two zero bytes, a type code
/// (0x08 for unsigned bytes) and the number of dimensions; then one big-endian 32-bit size
/// per dimension; then the elements in row-major order. MNIST images are `0x00000803`
/// (unsigned bytes, 3 dimensions), labels `0x00000801`. Only unsigned bytes are supported.
public enum IDXReader {
    /// The type code of unsigned bytes, the element type of every MNIST file.
    public static let unsignedByteTypeCode: UInt8 = 0x08

    /// Reads the IDX file at `url` (gunzipping it if its name ends in `.gz`), which must hold
    /// unsigned bytes in `dimensionCount` dimensions. Throws ``DataError`` naming the file.
    public static func read(_ url: URL, dimensionCount: Int) throws -> IDXArray {
        try parse(DataFile.contents(of: url), dimensionCount: dimensionCount, source: url.path)
    }

    /// Parses the bytes of an uncompressed IDX file; `source` names it in errors.
    ///
    /// Rejects a wrong magic number, element type or dimension count, a header whose sizes
    /// overflow (even when another size is zero) or promise more data than present, and bytes
    /// after the data.
    public static func parse(_ file: [UInt8], dimensionCount: Int, source: String) throws -> IDXArray {
        guard file.count >= 4 else {
            throw DataError.truncatedHeader(path: source, byteCount: file.count, headerSize: 4)
        }
        guard file[0] == 0, file[1] == 0 else {
            throw DataError.wrongMagic(path: source, magic: bigEndianWord(file, at: 0))
        }
        guard file[2] == unsignedByteTypeCode else {
            throw DataError.unsupportedTypeCode(path: source, typeCode: file[2])
        }
        guard Int(file[3]) == dimensionCount else {
            throw DataError.wrongDimensionCount(path: source, found: Int(file[3]), expected: dimensionCount)
        }
        let headerSize = 4 + 4 * dimensionCount
        guard file.count >= headerSize else {
            throw DataError.truncatedHeader(path: source, byteCount: file.count, headerSize: headerSize)
        }
        let shape = (0 ..< dimensionCount).map { Int(bigEndianWord(file, at: 4 + 4 * $0)) }
        guard let elementCount = checkedElementCount(of: shape) else {
            throw DataError.sizeOverflow(path: source, dimensions: shape)
        }
        let available = file.count - headerSize
        guard elementCount <= available else {
            throw DataError.truncatedData(path: source, expectedBytes: elementCount, actualBytes: available)
        }
        guard elementCount == available else {
            throw DataError.trailingBytes(path: source, count: available - elementCount)
        }
        return IDXArray(source: source, shape: shape, file: file, elementOffset: headerSize)
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
