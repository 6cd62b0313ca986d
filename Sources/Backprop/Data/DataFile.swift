import Foundation

/// Reads a data file whole, decompressing it when its name ends in `.gz`.
public enum DataFile {
    /// The most bytes a file read whole may hold once inflated, with the memory limit that sets
    /// it: a quarter of what this process can still allocate (``MachineMemory``), because the
    /// reader of a whole file (CSV) keeps its bytes, their text and the parsed values at once.
    /// Nil when no limit can be read.
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
}
