import Foundation

/// Reads a data file whole, decompressing it when its name ends in `.gz`.
public enum DataFile {
    /// The (decompressed) bytes of the file at `url`.
    ///
    /// Throws ``DataError`` naming the file when it is missing, a directory, empty,
    /// unreadable, or a damaged gzip stream. Files not ending in `.gz` are returned as stored.
    public static func contents(of url: URL) throws -> [UInt8] {
        switch FileKind(of: url) {
        case .missing: throw DataError.missingFile(path: url.path)
        case .directory: throw DataError.notAFile(path: url.path)
        case .file: break
        }
        let stored: Data
        do {
            stored = try Data(contentsOf: url)
        } catch {
            throw DataError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        guard !stored.isEmpty else { throw DataError.emptyFile(path: url.path) }
        if url.pathExtension == "gz" {
            return try Gzip.decompress(stored, source: url.path)
        }
        return [UInt8](stored)
    }
}
