import Foundation

/// The JSON header of a safetensors file: each tensor's name, shape and byte range in the
/// data section, plus free-form string metadata under `"__metadata__"`.
///
/// Backprop writes `F32` tensors and reads the types of ``SafetensorsDType``. Decoding enforces
/// the format's rules: the byte ranges match the shapes, do not overlap, and cover the data
/// section exactly (no holes, nothing after the last tensor).
struct SafetensorsHeader: Equatable {
    /// One tensor's entry; `bytes` is relative to the start of the data section.
    struct Entry: Equatable {
        var name: String
        var shape: [Int]
        var bytes: Range<Int>
        var dtype: SafetensorsDType = .f32
    }

    /// The entries in data order.
    var entries: [Entry]
    var metadata: [String: String]

    static let metadataKey = "__metadata__"
    /// The size of the elements Backprop writes (F32).
    static let elementSize = MemoryLayout<Float>.size

    /// The header for tensors stored one after another in the given order.
    init(layout tensors: [(name: String, shape: [Int])], metadata: [String: String]) {
        var offset = 0
        entries = tensors.map { tensor in
            let size = tensor.shape.reduce(Self.elementSize, *)
            defer { offset += size }
            return Entry(name: tensor.name, shape: tensor.shape, bytes: offset ..< offset + size)
        }
        self.metadata = metadata
    }

    /// The number of bytes of the data section.
    var dataSize: Int { entries.last?.bytes.upperBound ?? 0 }

    /// The JSON text padded with spaces to a multiple of 8 bytes, so that the data section
    /// that follows the 8-byte length and the header starts 8-byte aligned.
    ///
    /// Written by hand rather than with `JSONSerialization` so that tensors appear in data
    /// order and the same model always produces the same bytes.
    func encoded() -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }
                .map { jsonString($0.key) + ":" + jsonString($0.value) }
            fields.append(jsonString(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        for entry in entries {
            fields.append(jsonString(entry.name) + ":{\"dtype\":\"F32\",\"shape\":["
                + entry.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":["
                + "\(entry.bytes.lowerBound),\(entry.bytes.upperBound)]}")
        }
        var bytes = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// Parses and validates a header whose data section holds `dataSize` bytes, in one pass
    /// over the bytes (``SafetensorsHeaderReader``): memory grows with the entries, not with
    /// a tree of Foundation objects. The JSON is read whole before its contents are judged,
    /// so a syntax error anywhere is reported as one, then a repeated name, then the first
    /// entry that is not a tensor.
    init(decoding json: some Collection<UInt8>, dataSize: Int, source: String) throws {
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        var names = Set<String>()
        var repeated: String?
        var firstProblem: SafetensorsError?
        let isObject: Bool
        do {
            isObject = try Self.withBytes(json) { bytes in
                var reader = SafetensorsHeaderReader(bytes)
                return try reader.readObject { name, reader in
                    if repeated == nil, !names.insert(name).inserted { repeated = name }
                    if name == Self.metadataKey {
                        if let values = try Self.strings(&reader) {
                            metadata = values
                        } else if firstProblem == nil {
                            firstProblem = .invalidHeader(path: source, reason: "\(Self.metadataKey) is not an object of strings")
                        }
                        return
                    }
                    do {
                        if let entry = try Self.entry(named: name, reader: &reader, source: source) { entries.append(entry) }
                    } catch let problem as SafetensorsError {
                        if firstProblem == nil { firstProblem = problem }
                    }
                }
            }
        } catch let error as SafetensorsHeaderReader.Malformed {
            throw SafetensorsError.invalidJSON(path: source, reason: "malformed at byte \(error.offset) of the header: \(error.problem)")
        }
        guard isObject else {
            throw SafetensorsError.invalidHeader(path: source, reason: "the top level is not a JSON object")
        }
        if let repeated {
            throw SafetensorsError.invalidHeader(path: source, reason: "'\(repeated)' appears more than once")
        }
        if let firstProblem { throw firstProblem }
        names = []
        entries.sort { ($0.bytes.lowerBound, $0.bytes.upperBound) < ($1.bytes.lowerBound, $1.bytes.upperBound) }
        self.entries = entries
        self.metadata = metadata
        try checkLayout(dataSize: dataSize, source: source)
    }

    /// `body` over `json`'s bytes, contiguous (copied only if the collection is not).
    private static func withBytes<Result>(_ json: some Collection<UInt8>,
                                          _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        if let result = try json.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(json).withUnsafeBytes(body)
    }

    /// `__metadata__`'s value: an object of strings, or nil for any other value (read past).
    private static func strings(_ reader: inout SafetensorsHeaderReader) throws -> [String: String]? {
        guard reader.atObject() else {
            _ = try reader.readValue()
            return nil
        }
        var values: [String: String]? = [:]
        try reader.readMembers { key, reader in
            if case .string(let value) = try reader.readValue() { values?[key] = value } else { values = nil }
        }
        return values
    }

    /// One tensor's entry, checked on its own: dtype, shape, and a byte range of the right size.
    /// The reader is left after the value; a problem is thrown as ``SafetensorsError`` only
    /// once the value has been read, so the JSON's own errors come first.
    private static func entry(named name: String, reader: inout SafetensorsHeaderReader, source: String) throws -> Entry? {
        func invalid(_ problem: String) -> SafetensorsError {
            .invalidHeader(path: source, reason: "tensor '\(name)': \(problem)")
        }
        guard reader.atObject() else {
            _ = try reader.readValue()
            throw invalid("entry is not a JSON object")
        }
        var fields: [String: SafetensorsHeaderReader.Value] = [:]
        try reader.readMembers { key, reader in
            let value = try reader.readValue()
            if ["dtype", "shape", "data_offsets"].contains(key) { fields[key] = value }
        }
        guard case .string(let dtype)? = fields["dtype"] else { throw invalid("missing dtype") }
        guard let elementType = SafetensorsDType(rawValue: dtype) else {
            throw SafetensorsError.unsupportedDType(path: source, tensor: name, dtype: dtype)
        }
        guard case .integers(let shape)? = fields["shape"], shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("shape is not a list of non-negative integers")
        }
        guard case .integers(let offsets)? = fields["data_offsets"], offsets.count == 2 else {
            throw invalid("data_offsets is not a list of two integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else {
            throw SafetensorsError.invalidOffsets(path: source, tensor: name, begin: begin, end: end)
        }
        guard let count = checkedElementCount(of: shape),
              case let (size, false) = count.multipliedReportingOverflow(by: elementType.byteCount)
        else { throw invalid("shape \(shape) is too large") }
        guard end - begin == size else {
            throw SafetensorsError.sizeMismatch(path: source, tensor: name, shape: shape,
                                                expectedBytes: size, byteCount: end - begin)
        }
        return Entry(name: name, shape: shape, bytes: begin ..< end, dtype: elementType)
    }

    /// The entries (sorted by offset) must tile the data section exactly.
    private func checkLayout(dataSize: Int, source: String) throws {
        var covered = 0
        for (index, entry) in entries.enumerated() {
            if entry.bytes.lowerBound < covered {
                throw SafetensorsError.overlappingTensors(path: source, first: entries[index - 1].name,
                                                          second: entry.name)
            }
            if entry.bytes.lowerBound > covered {
                throw SafetensorsError.unindexedBytes(path: source, offset: covered,
                                                      count: entry.bytes.lowerBound - covered)
            }
            covered = entry.bytes.upperBound
        }
        if covered > dataSize {
            throw SafetensorsError.truncatedBody(path: source, expectedBytes: covered, actualBytes: dataSize)
        }
        if covered < dataSize {
            throw SafetensorsError.unindexedBytes(path: source, offset: covered, count: dataSize - covered)
        }
    }
}

/// `string` as a JSON string literal.
private func jsonString(_ string: String) -> String {
    var literal = "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}
