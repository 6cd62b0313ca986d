import Foundation

/// Reads a data file whole or as a stream, decompressing it when its name ends in `.gz`.
public enum DataFile {
    /// The most bytes a data file's reader may hold, with the memory limit that sets it: a
    /// quarter of what this process can still allocate (``MachineMemory``), since the values
    /// read are copied again on their way into a data set and a network. A whole file read by
    /// ``contents(of:limit:)`` counts its inflated bytes; a CSV table streamed by ``CSVTable``
    /// counts its values and the text it holds. Nil when no limit can be read.
    public static func byteLimit(memory: MachineMemory? = MachineMemory.current()) -> (bytes: Int, memory: String)? {
        guard let memory, memory.availableBytes.isFinite else { return nil }
        return (Int(max(memory.availableBytes, 0) / 4), memory.limit)
    }

    /// The (decompressed) bytes of the file at `url`.
    ///
    /// Throws ``FileError`` naming the file when it is missing, a directory or unreadable,
    /// and ``DataError`` when it is empty, a damaged gzip stream, or stores or inflates to more
    /// than `limit` bytes (``DataError/exceedsMemory(path:limit:memory:)``: a gzip bomb is
    /// refused after inflating at most that much). Files not ending in `.gz` are returned as
    /// stored.
    public static func contents(of url: URL, limit: (bytes: Int, memory: String)? = byteLimit()) throws -> [UInt8] {
        let refusal = limit.map { DataError.exceedsMemory(path: url.path, limit: $0.bytes, memory: $0.memory) }
        let most = limit?.bytes ?? .max
        let file = try ReadableFile(url)
        if let refusal, file.size > most { throw refusal }
        let stored = try file.readToEnd()
        guard !stored.isEmpty else { throw DataError.emptyFile(path: url.path) }
        guard url.pathExtension == "gz" else { return stored }
        // Without a limit nothing is refused: decompress(upTo: .max) never returns nil.
        guard let bytes = try Gzip.decompress(stored, source: url.path, upTo: most) else { throw refusal! }
        return bytes
    }

    /// The file at `url` as a stream of its bytes, inflated as they are read when its name
    /// ends in `.gz`. Throws ``FileError`` when it is missing or not a regular file, and
    /// ``DataError/emptyFile(path:)`` when it stores no bytes.
    static func stream(of url: URL) throws -> ByteStream {
        let file = try ReadableFile(url)
        guard file.size > 0 else { throw DataError.emptyFile(path: url.path) }
        return url.pathExtension == "gz" ? try GzipStream(file) : file
    }
}
