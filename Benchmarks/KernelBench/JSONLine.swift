import Foundation

/// A JSON value as the benchmark writes it.
enum JSONValue {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case strings([String])
    case integers([Int])
    /// Numbers, each null when missing (one per thread count, say).
    case numbers([Double?])
    /// A nested object, keys in the order given.
    case object([(String, JSONValue)])
    case null

    /// A number, or null when there is none (a missing baseline).
    static func number(_ value: Double?) -> JSONValue {
        value.map { .number($0) } ?? .null
    }

    var encoded: String {
        switch self {
        case .string(let text): return Self.quoted(text)
        case .number(let value): return value.isFinite ? "\(value)" : "null"
        case .integer(let value): return "\(value)"
        case .bool(let value): return value ? "true" : "false"
        case .strings(let texts): return "[" + texts.map(Self.quoted).joined(separator: ",") + "]"
        case .integers(let values): return "[" + values.map(String.init).joined(separator: ",") + "]"
        case .numbers(let values): return "[" + values.map { JSONValue.number($0).encoded }.joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.map { Self.quoted($0.0) + ":" + $0.1.encoded }.joined(separator: ",") + "}"
        case .null: return "null"
        }
    }

    /// `text` as a JSON string literal, escaped by Foundation's encoder.
    private static func quoted(_ text: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]) else {
            return "\"\""
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One JSON object on one line, keys in the order given (JSONEncoder does not keep order,
/// and ordered keys make the lines readable).
struct JSONLine {
    var fields: [(key: String, value: JSONValue)]

    init(_ fields: [(String, JSONValue)]) {
        self.fields = fields.map { (key: $0.0, value: $0.1) }
    }

    var encoded: String {
        "{" + fields.map { JSONValue.string($0.key).encoded + ":" + $0.value.encoded }.joined(separator: ",") + "}"
    }
}
