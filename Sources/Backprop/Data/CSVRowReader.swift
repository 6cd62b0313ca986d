import CSV
import Foundation

/// The rows of a CSV file read as a stream: the bytes come in chunks of 1 MB (inflated on the
/// way when the file is gzip-compressed), are cut after the last complete row, and each run of
/// complete rows is parsed by yaslab's CSV.swift (quotes, escaped quotes, CRLF, a delimiter in
/// a quoted field). Only one chunk of text and the row being parsed are held at a time, so a
/// reader keeps what it takes from the rows, not the file.
///
/// A row is cut at a line feed, or at a carriage return not followed by one, outside quotes;
/// a quoted field may hold line ends. A row longer than `limit` bytes is refused before more
/// is read (a file of one endless line, a gzip bomb of zeros).
final class CSVRowReader {
    /// How many bytes are read from the file at a time.
    static let chunkSize = 1 << 20

    private let stream: ByteStream
    private let path: String
    private let delimiter: Unicode.Scalar
    private let limit: (bytes: Int, memory: String)?
    /// Bytes read but not yet parsed: at most a partial row beyond the rows cut off.
    private var pending: [UInt8] = []
    /// How far `pending` has been scanned for row ends, and whether that point is inside quotes.
    private var scanned = 0
    private var inQuotes = false
    /// The end of the last complete row in `pending`.
    private var rowsEnd = 0
    private var ended = false
    private var atStart = true
    private var chunk = [UInt8](repeating: 0, count: CSVRowReader.chunkSize)
    private var parser: CSVReader?
    /// The bytes of the run of rows being parsed.
    private var parsedBytes = 0

    /// Reads the rows of `stream` (the file `path`), fields separated by `delimiter`; `limit`
    /// bounds the bytes of one row.
    init(_ stream: ByteStream, path: String, delimiter: Unicode.Scalar, limit: (bytes: Int, memory: String)?) {
        self.stream = stream
        self.path = path
        self.delimiter = delimiter
        self.limit = limit
    }

    /// The bytes of text this reader holds now, for the caller's memory count.
    var heldBytes: Int { pending.count + chunk.count + 2 * parsedBytes }

    /// The next row's fields (trimmed of surrounding spaces), nil after the last row.
    func next() throws -> [String]? {
        while true {
            if let parser {
                if let row = parser.next() { return row }
                if let error = parser.error { throw CSVDataError.unreadable(path: path, reason: "\(error)") }
                self.parser = nil
                parsedBytes = 0
            }
            guard let rows = try nextRows() else { return nil }
            parsedBytes = rows.utf8.count
            do {
                parser = try CSVReader(string: rows, hasHeaderRow: false, trimFields: true, delimiter: delimiter)
            } catch {
                throw CSVDataError.unreadable(path: path, reason: "\(error)")
            }
        }
    }

    /// The text of the next run of complete rows, nil at the end of the file.
    private func nextRows() throws -> String? {
        while true {
            scan()
            let end = rowsEnd > 0 ? rowsEnd : (ended ? pending.count : 0)
            if end > 0 {
                guard let text = String(validating: pending[..<end], as: UTF8.self) else {
                    throw CSVDataError.unreadable(path: path, reason: "the file is not UTF-8 text")
                }
                pending.removeFirst(end)
                scanned -= end
                rowsEnd = 0
                return text
            }
            if ended { return nil }
            if let limit, pending.count + chunk.count > limit.bytes {
                throw DataError.exceedsMemory(path: path, limit: limit.bytes, memory: limit.memory)
            }
            let count = try stream.fill(&chunk, from: 0)
            ended = count < chunk.count
            var start = 0
            if atStart {
                atStart = false
                // Spreadsheets often start UTF-8 files with a byte order mark, which is not part
                // of the first column's name.
                if count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF { start = 3 }
            }
            pending.append(contentsOf: chunk[start..<count])
        }
    }

    /// Moves `scanned` over the new bytes, noting the end of each complete row in `rowsEnd`.
    private func scan() {
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        pending.withUnsafeBufferPointer { bytes in
            guard scanned < bytes.count, let base = bytes.baseAddress else { return }
            // Without quotes every line end ends a row: only the last one matters, and the C
            // library finds it at memory speed (a byte loop is slow in a debug build).
            if !inQuotes && memchr(base + scanned, Int32(quote), bytes.count - scanned) == nil {
                let lastFeed = Self.last(lineFeed, in: base, from: scanned, to: bytes.count)
                var lastReturn = Self.last(carriageReturn, in: base, from: scanned, to: bytes.count)
                var end = bytes.count
                if let index = lastReturn, index == bytes.count - 1, !ended {
                    // A CR as the last byte read may be the first half of a CRLF.
                    end = index
                    lastReturn = Self.last(carriageReturn, in: base, from: scanned, to: index)
                }
                let last = max(lastFeed.map { $0 < end ? $0 : -1 } ?? -1, lastReturn ?? -1)
                if last >= 0 { rowsEnd = last + 1 }
                scanned = end
                return
            }
            var index = scanned
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote {
                    inQuotes.toggle()
                } else if !inQuotes {
                    if byte == lineFeed {
                        rowsEnd = index + 1
                    } else if byte == carriageReturn {
                        // A CR alone ends a row; as the last byte read, wait for the next one.
                        if index + 1 < bytes.count {
                            if bytes[index + 1] != lineFeed { rowsEnd = index + 1 }
                        } else if !ended {
                            break
                        }
                    }
                }
                index += 1
            }
            scanned = index
        }
    }

    /// The position of the last `byte` in `base[start..<end]`, if any: memchr says whether there
    /// is one, then a loop from the end finds it within the last row.
    private static func last(_ byte: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, memchr(base + start, Int32(byte), end - start) != nil else { return nil }
        var index = end - 1
        while base[index] != byte { index -= 1 }
        return index
    }
}
