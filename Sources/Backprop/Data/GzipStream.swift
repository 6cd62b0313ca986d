import CZlib
import Foundation

/// A gzip file inflated as it is read, 64 KB of compressed input at a time, so the memory a
/// reader uses is what it asks for, however much the file would inflate to (a "gzip bomb"
/// of zeros inflates about 1000-fold).
///
/// Concatenated members are read one after another, each checked against its CRC; damage, a
/// cut-short stream or bytes after the last member that do not start another member throw
/// ``DataError/corruptGzip(path:reason:)``. ``Gzip/decompress(_:source:)`` runs on this too, so
/// a file and bytes in memory inflate through the same loop.
final class GzipStream: ByteStream {
    /// deflate's largest expansion: one 258-byte match per two bits, about 1032:1. No gzip
    /// file inflates to more than this many bytes per stored byte.
    static let maximumRatio = 1032

    /// Where the compressed bytes come from: fills a buffer, returning 0 at the end.
    private let readCompressed: (UnsafeMutableRawBufferPointer) throws -> Int
    /// The file the bytes come from, for messages.
    private let path: String
    /// Heap-allocated because zlib's state points back at the stream and refuses a moved one.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var memberEnded = false
    private var finished = false

    /// Starts inflating `file`.
    convenience init(_ file: ReadableFile) throws {
        try self.init(path: file.url.path) { buffer in try file.read(into: buffer) }
    }

    /// Starts inflating the compressed bytes that `readCompressed` supplies in order (it fills
    /// the buffer it is given as far as it can and returns how many bytes it wrote, 0 at the
    /// end); `path` names their file in errors.
    init(path: String, reading readCompressed: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        self.readCompressed = readCompressed
        self.path = path
        stream.initialize(to: z_stream())
        // 16 + MAX_WBITS: expect a gzip header and trailer (and check its CRC), not raw zlib.
        guard inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw DataError.corruptGzip(path: path, reason: "zlib could not initialize")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    func fill(_ bytes: inout [UInt8], from start: Int) throws -> Int {
        var filled = start
        while filled < bytes.count && !finished {
            if stream.pointee.avail_in == 0 {
                let got = try readCompressed(input)
                if got == 0 {
                    guard memberEnded else { throw corrupt("unexpected end of stream (truncated file?)") }
                    finished = true
                    break
                }
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = UInt32(got)
            }
            if memberEnded {
                // Another member follows; its header is checked like the first one's.
                inflateReset(stream)
                memberEnded = false
            }
            let status = bytes.withUnsafeMutableBufferPointer { out -> Int32 in
                let room = min(out.count - filled, Int(UInt32.max))
                stream.pointee.next_out = out.baseAddress! + filled
                stream.pointee.avail_out = UInt32(room)
                let status = inflate(stream, Z_NO_FLUSH)
                filled += room - Int(stream.pointee.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END: memberEnded = true
            case Z_OK, Z_BUF_ERROR: break  // Z_BUF_ERROR: no progress until more input or room
            default: throw corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            }
        }
        return filled
    }

    private func corrupt(_ reason: String) -> DataError {
        .corruptGzip(path: path, reason: reason)
    }
}
