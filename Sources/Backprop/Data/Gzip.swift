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
            try decompress(input, source: source, upTo: .max)!
        }
    }

    /// The bytes `compressed` decompresses to if they are at most `limit`, or nil as soon as
    /// more than `limit` bytes have come out (the rest is not inflated: a "gzip bomb" costs at
    /// most `limit` bytes of memory). Errors as in ``decompress(_:source:)``.
    public static func decompress(_ compressed: some ContiguousBytes, source: String = "in-memory gzip data",
                                  upTo limit: Int) throws -> [UInt8]? {
        precondition(limit >= 0, "Gzip.decompress: negative limit \(limit)")
        return try compressed.withUnsafeBytes { input in
            try decompress(input, source: source, upTo: limit)
        }
    }

    private static func decompress(_ input: UnsafeRawBufferPointer, source: String, upTo limit: Int) throws -> [UInt8]? {
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
        // One byte past the limit tells "exactly the limit" from "more".
        let most = limit == .max ? limit : limit + 1
        var output = [UInt8](repeating: 0, count: min(initialCapacity(for: input), most))
        var produced = 0
        while true {
            produced = try stream.fill(&output, from: produced)
            if produced < output.count {
                output.removeLast(output.count - produced)
                return output
            }
            if produced >= most { return nil }
            output = grown(output, by: min(output.count, most - output.count))
        }
    }

    /// `bytes` followed by `extra` zeros, copied and cleared with memcpy and memset: an append of
    /// repeated zeros runs element by element in a debug build, minutes for a gigabyte.
    private static func grown(_ bytes: [UInt8], by extra: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count + extra) { buffer, initialized in
            bytes.withUnsafeBytes { old in
                if let source = old.baseAddress { memcpy(buffer.baseAddress!, source, old.count) }
            }
            memset(buffer.baseAddress! + bytes.count, 0, extra)
            initialized = bytes.count + extra
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
