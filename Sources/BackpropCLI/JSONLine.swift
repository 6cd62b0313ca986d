import Foundation

/// One JSON object on one line, keys sorted, for `--json` output.
func jsonLine(_ object: [String: Any]) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// `text` as a JSON string literal, quotes included.
func jsonString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
}
