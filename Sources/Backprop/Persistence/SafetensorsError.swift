/// Why a safetensors file could not be read or written, or lacks what the caller needs.
///
/// Every case names the file, and `description` is a sentence a command-line tool can print.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Saving failed; the file that was there before (if any) is unchanged.
    case writeFailed(path: String, reason: String)
    /// The file is shorter than the 8-byte header length it must start with.
    case missingHeaderLength(path: String, byteCount: Int)
    /// The header length points past the end of the file.
    case headerLengthBeyondFile(path: String, headerLength: UInt64, fileSize: Int)
    /// The header length exceeds ``Safetensors/maximumHeaderLength`` (checked before the JSON is parsed).
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
    /// The header is not valid JSON.
    case invalidJSON(path: String, reason: String)
    /// The header is JSON but not the structure safetensors prescribes.
    case invalidHeader(path: String, reason: String)
    /// A tensor is stored in an element type Backprop cannot read (see ``SafetensorsDType``).
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's data offsets are not a valid range.
    case invalidOffsets(path: String, tensor: String, begin: Int, end: Int)
    /// A tensor's byte range does not hold exactly the elements of its shape.
    case sizeMismatch(path: String, tensor: String, shape: [Int], expectedBytes: Int, byteCount: Int)
    /// Two tensors claim the same bytes.
    case overlappingTensors(path: String, first: String, second: String)
    /// Bytes of the data section that belong to no tensor (safetensors forbids holes).
    case unindexedBytes(path: String, offset: Int, count: Int)
    /// The data section ends before the last tensor does.
    case truncatedBody(path: String, expectedBytes: Int, actualBytes: Int)
    /// A tensor the caller needs is not in the file.
    case missingTensor(path: String, name: String, available: [String])
    /// A tensor has another shape than the caller needs.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// Reading `part` of the file would take more memory than this process can still allocate.
    case exceedsMemory(path: String, part: String, neededBytes: Double, availableBytes: Double, limit: String)

    /// One sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .writeFailed(let path, let reason):
            return "\(path): could not be saved (any previous file is unchanged): \(reason)"
        case .missingHeaderLength(let path, let byteCount):
            return "\(path): not a safetensors file: \(byteCount) bytes, too short for the 8-byte header length"
        case .headerLengthBeyondFile(let path, let headerLength, let fileSize):
            return "\(path): header length \(headerLength) exceeds the file size of \(fileSize) bytes"
        case .headerTooLarge(let path, let headerLength, let limit):
            return "\(path): header length \(headerLength) exceeds the safetensors limit of \(limit) bytes"
        case .invalidJSON(let path, let reason):
            return "\(path): header is not valid JSON: \(reason)"
        case .invalidHeader(let path, let reason):
            return "\(path): invalid safetensors header: \(reason)"
        case .unsupportedDType(let path, let tensor, let dtype):
            return "\(path): tensor '\(tensor)' has dtype \(dtype); supported are "
                + SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
        case .invalidOffsets(let path, let tensor, let begin, let end):
            return "\(path): tensor '\(tensor)' has invalid data offsets [\(begin), \(end)]"
        case .sizeMismatch(let path, let tensor, let shape, let expectedBytes, let byteCount):
            return "\(path): tensor '\(tensor)' of shape \(shape) needs \(expectedBytes) bytes "
                + "but its data offsets span \(byteCount)"
        case .overlappingTensors(let path, let first, let second):
            return "\(path): tensors '\(first)' and '\(second)' overlap"
        case .unindexedBytes(let path, let offset, let count):
            return "\(path): \(count) bytes at data offset \(offset) belong to no tensor"
        case .truncatedBody(let path, let expectedBytes, let actualBytes):
            return "\(path): truncated: the header describes \(expectedBytes) bytes of tensor data, "
                + "the file holds \(actualBytes)"
        case .missingTensor(let path, let name, let available):
            return "\(path): no tensor named '\(MessageText.excerpt(name))' "
                + "(the file has: \(MessageText.list(available, quoted: false)))"
        case .exceedsMemory(let path, let part, let needed, let available, let limit):
            return "\(path): reading \(part) needs about " + String(format: "%.1f GB", needed / 1e9)
                + " of memory, more than the " + String(format: "%.1f GB", available / 1e9) + " left (limit: \(limit))"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        }
    }
}
