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
    /// unsigned bytes in `dimensionCount` dimensions. Throws ``DataError`` or ``FileError``
    /// naming the file.
    ///
    /// Memory stays bounded by the data the header declares: a stored file's size is checked
    /// against the header before its elements are read, and a gzip file is inflated only up to
    /// the declared size (a declared size beyond what the compressed bytes could inflate to is
    /// refused without allocating it), so a small `.gz` that inflates to gigabytes is refused
    /// after inflating at most the declared size.
    ///
    /// Before the elements are read, their count times `bytesPerElement` (the bytes a caller
    /// keeps per element: 5 for the byte itself and the `Float` it becomes) is compared with
    /// what `memory` has left; data that cannot fit throws
    /// ``DataError/dataExceedsMemory(path:neededBytes:availableBytes:memory:)`` instead of
    /// failing an allocation.
    public static func read(_ url: URL, dimensionCount: Int, bytesPerElement: Double = 5,
                            memory: MachineMemory? = MachineMemory.current()) throws -> IDXArray {
        let file = try ReadableFile(url)
        guard file.size > 0 else { throw DataError.emptyFile(path: url.path) }
        let budget = memory.map { (bytesPerElement, $0) }
        if url.pathExtension == "gz" {
            return try read(GzipStream(file), dimensionCount: dimensionCount, source: url.path, storedBytes: nil,
                            inflationBound: file.size.multipliedReportingOverflow(by: GzipStream.maximumRatio).partialValue,
                            budget: budget)
        }
        return try read(file, dimensionCount: dimensionCount, source: url.path, storedBytes: file.size,
                        inflationBound: nil, budget: budget)
    }

    /// Reads an IDX array from `stream`. `storedBytes` is the stream's exact length when known
    /// (a file as stored), `inflationBound` the most it can hold when that is all that is known.
    private static func read(_ stream: ByteStream, dimensionCount: Int, source: String, storedBytes: Int?,
                             inflationBound: Int?, budget: (bytesPerElement: Double, memory: MachineMemory)?) throws -> IDXArray {
        var file = [UInt8](repeating: 0, count: 4 + 4 * dimensionCount)
        file.removeLast(file.count - (try stream.fill(&file, from: 0)))
        let (shape, elementCount) = try header(of: file, dimensionCount: dimensionCount, source: source)
        let headerSize = file.count
        if let storedBytes {
            try checkSize(elementCount: elementCount, available: storedBytes - headerSize, source: source)
        } else if let inflationBound, elementCount > inflationBound - headerSize {
            // More than the file could ever inflate to: count what it holds without keeping it.
            throw DataError.truncatedData(path: source, expectedBytes: elementCount,
                                          actualBytes: try discard(stream, upTo: inflationBound))
        }
        if let (bytesPerElement, memory) = budget, Double(elementCount) * bytesPerElement > memory.availableBytes {
            throw DataError.dataExceedsMemory(path: source, neededBytes: Double(elementCount) * bytesPerElement,
                                              availableBytes: max(memory.availableBytes, 0), memory: memory.limit)
        }
        let header = file
        file = [UInt8](repeating: 0, count: headerSize + elementCount)
        file.replaceSubrange(0 ..< headerSize, with: header)
        let end = try stream.fill(&file, from: headerSize)
        guard end == file.count else {
            throw DataError.truncatedData(path: source, expectedBytes: elementCount, actualBytes: end - headerSize)
        }
        // Anything after the data is an error; count it, but only so far (a bomb could go on for gigabytes).
        let countLimit = max(elementCount, 1 << 20)
        let trailing = try discard(stream, upTo: countLimit + 1)
        guard trailing == 0 else {
            if trailing > countLimit {
                throw DataError.inflatesBeyondHeader(path: source, expectedBytes: elementCount)
            }
            throw DataError.trailingBytes(path: source, count: trailing)
        }
        return IDXArray(source: source, shape: shape, file: file, elementOffset: headerSize)
    }

    /// Reads and drops up to `limit` bytes of `stream` through a small buffer; returns how many there were.
    private static func discard(_ stream: ByteStream, upTo limit: Int) throws -> Int {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while total < limit {
            if scratch.count > limit - total { scratch.removeLast(scratch.count - (limit - total)) }
            let got = try stream.fill(&scratch, from: 0)
            total += got
            if got < scratch.count { break }
        }
        return total
    }

    /// Parses the bytes of an uncompressed IDX file; `source` names it in errors.
    ///
    /// Rejects a wrong magic number, element type or dimension count, a header whose sizes
    /// overflow (even when another size is zero) or promise more data than present, and bytes
    /// after the data.
    public static func parse(_ file: [UInt8], dimensionCount: Int, source: String) throws -> IDXArray {
        let (shape, elementCount) = try header(of: file, dimensionCount: dimensionCount, source: source)
        let headerSize = 4 + 4 * dimensionCount
        try checkSize(elementCount: elementCount, available: file.count - headerSize, source: source)
        return IDXArray(source: source, shape: shape, file: file, elementOffset: headerSize)
    }

    /// The shape and element count the header at the start of `file` declares, validated.
    private static func header(of file: [UInt8], dimensionCount: Int, source: String) throws
        -> (shape: [Int], elementCount: Int)
    {
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
        return (shape, elementCount)
    }

    /// Checks that exactly `elementCount` bytes follow the header.
    private static func checkSize(elementCount: Int, available: Int, source: String) throws {
        guard elementCount <= available else {
            throw DataError.truncatedData(path: source, expectedBytes: elementCount, actualBytes: available)
        }
        guard elementCount == available else {
            throw DataError.trailingBytes(path: source, count: available - elementCount)
        }
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
