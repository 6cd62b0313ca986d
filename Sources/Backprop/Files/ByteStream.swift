/// Bytes read front to back in pieces: a file as stored (``ReadableFile``) or as it inflates
/// (``GzipStream``), so a reader can stop at the size a header declares instead of holding
/// whatever the file would produce.
protocol ByteStream: AnyObject {
    /// Reads into `bytes[start...]` until it is full or the stream ends; returns the index
    /// after the last byte read (less than `bytes.count` only at the end of the stream).
    func fill(_ bytes: inout [UInt8], from start: Int) throws -> Int
}
