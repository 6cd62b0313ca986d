import Foundation

/// Reads a data file whole, decompressing it when its name ends in `.gz`.
public enum DataFile {
    /// The (decompressed) bytes of the file at `url`.
    ///
    /// Throws ``FileError`` naming the file when it is missing, a directory or unreadable,
    /// and ``DataError`` when it is empty or a damaged gzip stream. Files not ending in `.gz`
    /// are returned as stored.
    public static func contents(of url: URL) throws -> [UInt8] {
        let stored = try ReadableFile(url).readToEnd()
        guard !stored.isEmpty else { throw DataError.emptyFile(path: url.path) }
        if url.pathExtension == "gz" {
            return try Gzip.decompress(stored, source: url.path)
        }
        return stored
    }
}
