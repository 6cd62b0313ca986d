/// Why a data file (MNIST's IDX files, gzip-compressed or not) could not be loaded.
///
/// Every case carries the path of the offending file or directory, and `description` is a
/// complete sentence naming it, so a command-line tool can print the error as it is.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data directory does not exist or is not a directory.
    case missingDirectory(path: String)
    /// No data directory was given and none of the places searched holds the data.
    case dataDirectoryNotFound(searched: [String])
    /// The file exists but holds no bytes.
    case emptyFile(path: String)
    /// The gzip stream is damaged or cut short; `reason` is zlib's explanation.
    case corruptGzip(path: String, reason: String)
    /// The file is shorter than the IDX header it must start with.
    case truncatedHeader(path: String, byteCount: Int, headerSize: Int)
    /// The first two bytes of an IDX file must be zero; `magic` is the 32-bit word found.
    case wrongMagic(path: String, magic: UInt32)
    /// The IDX element type is not unsigned bytes (code 0x08), the only type MNIST uses.
    case unsupportedTypeCode(path: String, typeCode: UInt8)
    /// The IDX file has another number of dimensions than its role requires.
    case wrongDimensionCount(path: String, found: Int, expected: Int)
    /// The product of the header's nonzero dimension sizes does not fit in an `Int` (a zero
    /// size does not excuse the others: the loader multiplies the trailing sizes on their own).
    case sizeOverflow(path: String, dimensions: [Int])
    /// The header promises more data than the file holds.
    case truncatedData(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file holds bytes after the data its header describes.
    case trailingBytes(path: String, count: Int)
    /// A gzip file inflates to far more than the data its header describes (a "gzip bomb"):
    /// refused after inflating about twice the declared size, without keeping the excess.
    case inflatesBeyondHeader(path: String, expectedBytes: Int)
    /// A file read whole (a CSV file) holds, or inflates to, more than `limit` bytes: more than
    /// the share of this process's available memory (`memory` names the limit that sets it)
    /// that reading it may take. Refused after reading or inflating at most that much.
    case exceedsMemory(path: String, limit: Int, memory: String)
    /// The data a file's header declares would take `neededBytes` once read and converted,
    /// more than the `availableBytes` this process can still allocate (`memory` names the
    /// limit). Refused before the data is read.
    case dataExceedsMemory(path: String, neededBytes: Double, availableBytes: Double, memory: String)
    /// An images file and its labels file describe different numbers of samples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// Two image files of one data set have different image sizes.
    case imageShapeMismatch(path: String, shape: [Int], otherPath: String, otherShape: [Int])
    /// A label is not a valid class index.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)

    /// One sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return "\(path): data directory not found (set BACKPROP_DATA or pass the directory explicitly)"
        case .dataDirectoryNotFound(let searched):
            return "MNIST data directory not found; searched: \(searched.joined(separator: ", "))"
        case .emptyFile(let path):
            return "\(path): file is empty"
        case .corruptGzip(let path, let reason):
            return "\(path): corrupt gzip stream: \(reason)"
        case .truncatedHeader(let path, let byteCount, let headerSize):
            return "\(path): truncated IDX header: the file has \(byteCount) bytes, the header needs \(headerSize)"
        case .wrongMagic(let path, let magic):
            return "\(path): not an IDX file: magic number \(hex(magic)) does not start with two zero bytes"
        case .unsupportedTypeCode(let path, let typeCode):
            return "\(path): unsupported IDX element type \(hex(typeCode)), expected 0x08 (unsigned byte)"
        case .wrongDimensionCount(let path, let found, let expected):
            return "\(path): IDX file has \(found) dimensions, expected \(expected)"
        case .sizeOverflow(let path, let dimensions):
            return "\(path): IDX dimensions \(dimensions) are too large: their product does not fit in an Int"
        case .truncatedData(let path, let expectedBytes, let actualBytes):
            return "\(path): truncated data: the header describes \(expectedBytes) bytes, the file holds \(actualBytes)"
        case .trailingBytes(let path, let count):
            return "\(path): \(count) unexpected bytes after the data the header describes"
        case .inflatesBeyondHeader(let path, let expectedBytes):
            return "\(path): inflates to far more than the \(expectedBytes) bytes of data its header describes "
                + "(refused without inflating the rest)"
        case .exceedsMemory(let path, let limit, let memory):
            return "\(path): more than \(byteCount(limit)) to hold in memory (inflated, if compressed), a quarter of "
                + "the memory this process can still use (\(memory))"
        case .dataExceedsMemory(let path, let needed, let available, let memory):
            return "\(path): its header declares data that needs about " + String(format: "%.1f GB", needed / 1e9)
                + " of memory once read, more than the " + String(format: "%.1f GB", available / 1e9)
                + " left (limit: \(memory))"
        case .countMismatch(let imagesPath, let images, let labelsPath, let labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels"
        case .imageShapeMismatch(let path, let shape, let otherPath, let otherShape):
            return "\(path) holds images of shape \(shape) but \(otherPath) holds images of shape \(otherShape)"
        case .labelOutOfRange(let path, let index, let label, let classCount):
            return "\(path): label \(label) at index \(index) is outside 0...\(classCount - 1)"
        }
    }
}

/// A byte count for messages: "4.5 GB", "12.0 MB" or "4999 bytes".
private func byteCount(_ bytes: Int) -> String {
    if bytes >= 1_000_000_000 { return String(format: "%.1f GB", Double(bytes) / 1e9) }
    if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1e6) }
    return "\(bytes) bytes"
}

/// `0x` followed by the value in hexadecimal, zero-padded to the width of its type.
private func hex<T: FixedWidthInteger>(_ value: T) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, T.bitWidth / 4 - digits.count)) + digits
}
