/// Builds gzip files whose deflate stream uses uncompressed ("stored") blocks, so tests can
/// make valid, concatenated or deliberately damaged gzip data without a compressor
/// (RFC 1952 for the gzip wrapper, RFC 1951 section 3.2.4 for stored blocks).
enum StoredGzip {
    /// One gzip member holding `bytes`.
    static func member(_ bytes: [UInt8]) -> [UInt8] {
        // Magic, deflate, no flags, no time, no extra flags, unknown OS.
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        let blockSize = 65_535
        var start = 0
        repeat {
            let end = min(start + blockSize, bytes.count)
            let length = UInt16(end - start)
            out.append(end == bytes.count ? 1 : 0)  // BFINAL, BTYPE = 00 (stored)
            out += littleEndian(length) + littleEndian(~length)
            out += bytes[start ..< end]
            start = end
        } while start < bytes.count
        out += littleEndian(crc32(bytes)) + littleEndian(UInt32(truncatingIfNeeded: bytes.count))
        return out
    }

    /// The CRC-32 gzip stores (polynomial 0xEDB88320, bit by bit: tests only need small inputs).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
