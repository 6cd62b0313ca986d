import CZlib
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
        guard let inputBase = input.baseAddress?.assumingMemoryBound(to: Bytef.self), input.count > 0 else {
            throw DataError.corruptGzip(path: source, reason: "no data")
        }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (and check its CRC), not raw zlib.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corruptGzip(path: source, reason: "zlib could not initialize")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: initialCapacity(for: input))
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count {
                output.append(contentsOf: repeatElement(0, count: output.count))
            }
            let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                let availableIn = min(input.count - consumed, Int(UInt32.max))
                let availableOut = min(out.count - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                stream.avail_in = UInt32(availableIn)
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = UInt32(availableOut)
                let status = inflate(&stream, Z_NO_FLUSH)
                consumed += availableIn - Int(stream.avail_in)
                produced += availableOut - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                if consumed == input.count {
                    output.removeLast(output.count - produced)
                    return output
                }
                // Another member follows; its header is checked like the first one's.
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR only means "no progress possible": fine if the output is full.
                if consumed == input.count && produced < output.count {
                    throw DataError.corruptGzip(path: source, reason: "unexpected end of stream (truncated file?)")
                }
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.corruptGzip(path: source, reason: reason)
            }
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
