/// A single-pass reader of a safetensors header's JSON: the top-level object's keys and, for
/// each, either a tensor's fields (`dtype`, `shape`, `data_offsets`) or `__metadata__`'s
/// strings, straight from the bytes into ``SafetensorsHeader/Entry`` values.
///
/// Foundation's `JSONSerialization` built a dictionary, an array and an `NSNumber` per tensor
/// before any of it was checked: a legal 87 MB header of 1.2 million tensors took 4.96 GB. This
/// reader keeps nothing but the entries, and it is strict where that parse was lenient: a
/// number is an integer only when written as one (not `1.0`, `1e0` or `true`), and a string
/// must be valid UTF-8 without raw control characters, as RFC 8259 says.
struct SafetensorsHeaderReader {
    /// Where and why the bytes are not JSON.
    struct Malformed: Error {
        var offset: Int
        var problem: String
    }

    /// A JSON value where a tensor's fields are expected, reduced to what the checks need.
    enum Value {
        case string(String)
        /// An array whose elements are all integers that fit in an `Int`.
        case integers([Int])
        /// An object, or any other value: only its kind matters.
        case other(isObject: Bool)
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    /// Arrays and objects skipped inside a tensor's entry may nest this deep, which keeps the
    /// recursion's stack small whatever the file holds.
    static let maximumDepth = 64

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private func malformed(_ problem: String) -> Malformed {
        Malformed(offset: index, problem: problem)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Malformed) {
        skipWhitespace()
        guard current == byte else { throw malformed("expected \(what)") }
        index += 1
    }

    /// Whether the next byte (after whitespace) is `byte`; consumes it if so.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Reads the top-level object, calling `member` with each key and the reader positioned
    /// at its value, which `member` must consume; then checks that only whitespace follows.
    /// Returns false when the top level is a JSON value other than an object.
    mutating func readObject(_ member: (String, inout SafetensorsHeaderReader) throws -> Void) throws -> Bool {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else {
            try skipValue(depth: 0)
            skipWhitespace()
            guard index == bytes.count else { throw malformed("unexpected text after the JSON value") }
            return false
        }
        try readMembers(member)
        skipWhitespace()
        guard index == bytes.count else { throw malformed("unexpected text after the JSON object") }
        return true
    }

    /// The members of the object starting at the current `{`.
    mutating func readMembers(_ member: (String, inout SafetensorsHeaderReader) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "'{'")
        if take(UInt8(ascii: "}")) { return }
        repeat {
            skipWhitespace()
            let key = try readString()
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            try member(key, &self)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "',' or '}'")
    }

    /// Whether the value at the current position is an object (without consuming it).
    mutating func atObject() -> Bool {
        skipWhitespace()
        return current == UInt8(ascii: "{")
    }

    /// The value at the current position, as a tensor's field needs it.
    mutating func readValue() throws(Malformed) -> Value {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "["):
            index += 1
            var integers: [Int]? = []
            if !take(UInt8(ascii: "]")) {
                repeat {
                    skipWhitespace()
                    if let integer = try readIntegerOrSkip() {
                        integers?.append(integer)
                    } else {
                        integers = nil
                    }
                } while take(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"), "',' or ']'")
            }
            return integers.map { .integers($0) } ?? .other(isObject: false)
        default:
            let isObject = current == UInt8(ascii: "{")
            try skipValue(depth: 0)
            return .other(isObject: isObject)
        }
    }

    /// An integer written as one (optional minus, digits, no fraction or exponent) that fits
    /// in an `Int`; any other value is read past and gives nil.
    private mutating func readIntegerOrSkip() throws(Malformed) -> Int? {
        let start = index
        guard let byte = current, byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte) else {
            try skipValue(depth: 1)
            return nil
        }
        try skipNumber()
        let text = bytes[start..<index]
        guard !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else {
            return nil
        }
        var value = 0
        let negative = text.first == UInt8(ascii: "-")
        for digit in text.dropFirst(negative ? 1 : 0) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(Int(digit - 0x30))
                                            : times.addingReportingOverflow(Int(digit - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// Reads past any JSON value; arrays and objects may nest ``maximumDepth`` deep below `depth`.
    mutating func skipValue(depth: Int) throws(Malformed) {
        skipWhitespace()
        guard depth < Self.maximumDepth else { throw malformed("nested more than \(Self.maximumDepth) levels deep") }
        switch current {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"):
            index += 1
            if take(UInt8(ascii: "}")) { return }
            repeat {
                skipWhitespace()
                _ = try readString()
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1)
            } while take(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"), "',' or '}'")
        case UInt8(ascii: "["):
            index += 1
            if take(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while take(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "',' or ']'")
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): try skipNumber()
        default: throw malformed("expected a JSON value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] }) else { throw malformed("expected a JSON value") }
        index += count
    }

    /// A number by RFC 8259's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func skipNumber() throws(Malformed) {
        func digits() throws(Malformed) {
            guard let byte = current, (0x30...0x39).contains(byte) else { throw malformed("expected a digit") }
            while let byte = current, (0x30...0x39).contains(byte) { index += 1 }
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") { index += 1 } else { try digits() }
        if current == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    /// The string starting at the current `"`, unescaped. Plain ASCII names, the common case,
    /// are made in one step from their bytes.
    mutating func readString() throws(Malformed) -> String {
        guard current == UInt8(ascii: "\"") else { throw malformed("expected a string") }
        index += 1
        let start = index
        var plain = true
        while let byte = current, byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
            } else {
                guard byte >= 0x20 else { throw malformed("control character in a string") }
                if byte >= 0x80 { plain = false }
                index += 1
            }
        }
        guard index < bytes.count else { throw malformed("unterminated string") }
        let end = index
        index += 1
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if plain { return String(decoding: raw, as: UTF8.self) }
        return try unescaped(raw, at: start)
    }

    /// `raw`, the bytes between a string's quotes (which begin at `offset`), with its escapes
    /// replaced; nil-free: invalid escapes, lone surrogates and invalid UTF-8 are malformed.
    private func unescaped(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(Malformed) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(raw.count)
        var i = 0
        func fail(_ problem: String) -> Malformed { Malformed(offset: offset + i, problem: problem) }
        func hex4() throws(Malformed) -> UInt32 {
            // i is at the 'u'; its four digits follow.
            guard i + 4 < raw.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for k in 1...4 {
                let c = raw[i + k]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | digit
            }
            i += 5
            return value
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { throw fail("invalid escape") }
            let escape = raw[i + 1]
            let simple: UInt8?
            switch escape {
            case UInt8(ascii: "\""): simple = 0x22
            case UInt8(ascii: "\\"): simple = 0x5C
            case UInt8(ascii: "/"): simple = 0x2F
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"): simple = nil
            default: throw fail("invalid escape")
            }
            if let simple {
                utf8.append(simple)
                i += 2
                continue
            }
            i += 1  // at the 'u'
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else {
                    throw fail("lone surrogate in a \\u escape")
                }
                i += 1
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in a \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("lone surrogate in a \\u escape")
            }
            utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw Malformed(offset: offset, problem: "a string is not valid UTF-8")
        }
        return string
    }
}
