import Foundation

/// gzip decompression through the system's zlib, so MNIST can ship in its original `.gz`
/// files without a runtime dependency beyond `libz`.
public enum Gzip {
    /// The bytes `compressed` decompresses to.
    ///
    /// Concatenated gzip members (what `cat a.gz b.gz` produces, and what `gunzip` accepts)
    /// decompress to the concatenation of their contents. A damaged or truncated stream, or
    /// bytes after the last member that do not start another member, throw
    /// ``DataError/corruptGzip(path:reason:)`` naming `source`.
    ///
    /// - Parameters:
    ///   - compressed: one or more gzip members, as read from a `.gz` file.
    ///   - source: the file the bytes came from, for error messages.
    public static func decompress(_ compressed: some ContiguousBytes,
                                  source: String = "in-memory gzip data") throws -> [UInt8] {
        try compressed.withUnsafeBytes { input in
            try decompress(input, source: source)
        }
    }

    private static func decompress(_ input: UnsafeRawBufferPointer, source: String) throws -> [UInt8] {
        guard input.count > 0 else {
            throw DataError.corruptGzip(path: source, reason: "no data")
        }
        var consumed = 0
        let stream = try GzipStream(path: source) { buffer in
            let count = min(buffer.count, input.count - consumed)
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[consumed ..< consumed + count]))
            consumed += count
            return count
        }
        var output = [UInt8](repeating: 0, count: initialCapacity(for: input))
        var produced = 0
        while true {
            produced = try stream.fill(&output, from: produced)
            if produced < output.count {
                output.removeLast(output.count - produced)
                return output
            }
            output.append(contentsOf: repeatElement(0, count: output.count))
        }
    }

    /// A first output size: the uncompressed size the gzip trailer records (modulo 2^32, and
    /// only for the last member), bounded by 16 times the input so that a damaged trailer
    /// cannot make us allocate hundreds of megabytes for a small file (deflate's 1032:1 limit
    /// still allowed that). The buffer doubles when it is too small.
    private static func initialCapacity(for input: UnsafeRawBufferPointer) -> Int {
        let minimum = 1 << 16
        guard input.count >= 18 else { return minimum }
        let recorded = input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self)
        let hint = Int(UInt32(littleEndian: recorded))
        return max(minimum, min(hint, input.count * 16))
    }
}
