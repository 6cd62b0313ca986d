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

    /// Parses and validates a header whose data section holds `dataSize` bytes.
    init(decoding json: some Collection<UInt8>, dataSize: Int, source: String) throws {
        let bytes = Array(json)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            // In the project's words: Foundation's text ("The operation could not be completed.
            // (NSCocoaErrorDomain error 3840.)") says nothing to the user. Its byte index does.
            let index = (error as NSError).userInfo["NSJSONSerializationErrorIndex"] as? Int
            throw SafetensorsError.invalidJSON(path: source, reason: index.map { "malformed at byte \($0) of the header" }
                                                   ?? "malformed (\(bytes.count) bytes)")
        }
        guard let fields = object as? [String: Any] else {
            throw SafetensorsError.invalidHeader(path: source, reason: "the top level is not a JSON object")
        }
        // JSONSerialization keeps only the last of repeated keys; the others' bytes would then
        // be reported as belonging to no tensor, which hides the real problem.
        if let repeated = firstRepeatedTopLevelKey(in: bytes) {
            throw SafetensorsError.invalidHeader(path: source, reason: "'\(repeated)' appears more than once")
        }
        metadata = [:]
        entries = []
        for (name, value) in fields {
            if name == Self.metadataKey {
                guard let metadata = value as? [String: String] else {
                    throw SafetensorsError.invalidHeader(
                        path: source, reason: "\(Self.metadataKey) is not an object of strings")
                }
                self.metadata = metadata
            } else {
                entries.append(try Self.entry(named: name, from: value, source: source))
            }
        }
        entries.sort { ($0.bytes.lowerBound, $0.bytes.upperBound) < ($1.bytes.lowerBound, $1.bytes.upperBound) }
        try checkLayout(dataSize: dataSize, source: source)
    }

    /// One tensor's entry, checked on its own: dtype, shape, and a byte range of the right size.
    private static func entry(named name: String, from value: Any, source: String) throws -> Entry {
        func invalid(_ problem: String) -> SafetensorsError {
            .invalidHeader(path: source, reason: "tensor '\(name)': \(problem)")
        }
        guard let fields = value as? [String: Any] else { throw invalid("entry is not a JSON object") }
        guard let dtype = fields["dtype"] as? String else { throw invalid("missing dtype") }
        guard let elementType = SafetensorsDType(rawValue: dtype) else {
            throw SafetensorsError.unsupportedDType(path: source, tensor: name, dtype: dtype)
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("shape is not a list of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
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

    /// The `objCType` codes of the NSNumbers JSON integers arrive as (signed integer types);
    /// booleans have type "c", numbers with a fraction or an exponent "d".
    private static let integerTypes: Set<UInt8> = [UInt8(ascii: "s"), UInt8(ascii: "i"), UInt8(ascii: "l"), UInt8(ascii: "q")]

    /// A JSON array of integers as `[Int]`, nil for anything else: 1.5, 1.0, 1e2, "1", and
    /// `true`, all of which Foundation would otherwise convert to an `Int`.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        let integers = array.compactMap { element -> Int? in
            guard let number = element as? NSNumber,
                  integerTypes.contains(UInt8(bitPattern: number.objCType.pointee)) else { return nil }
            return element as? Int
        }
        return integers.count == array.count ? integers : nil
    }
}

/// The first key that occurs twice in the top-level object of `json`, which must be valid
/// UTF-8 JSON (it is scanned, not validated). Keys are compared after unescaping, as a parser
/// sees them.
private func firstRepeatedTopLevelKey(in json: [UInt8]) -> String? {
    var seen = Set<String>()
    var depth = 0
    var index = 0
    while index < json.count {
        let byte = json[index]
        if byte == UInt8(ascii: "\"") {
            let start = index
            index += 1
            while index < json.count, json[index] != UInt8(ascii: "\"") {
                index += json[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            // Only an encoding other than UTF-8 (which Foundation also accepts) gets here.
            guard index < json.count else { return nil }
            var next = index + 1
            while next < json.count, [0x20, 0x09, 0x0A, 0x0D].contains(json[next]) { next += 1 }
            if depth == 1, next < json.count, json[next] == UInt8(ascii: ":"),
               let key = try? JSONSerialization.jsonObject(with: Data(json[start...index]), options: .fragmentsAllowed) as? String {
                if !seen.insert(key).inserted { return key }
            }
        } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            depth += 1
        } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
            depth -= 1
        }
        index += 1
    }
    return nil
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
