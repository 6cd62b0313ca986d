/// Input quoted in an error message, kept to a readable size: a message is one line a person
/// reads, so a 50 MB cell or a header of 25,000 names must not become a 50 MB line.
public enum MessageText {
    /// The most characters of quoted input a message shows.
    public static let excerptLength = 80
    /// The most names a message lists before it gives the count of the rest.
    public static let listedNames = 5

    /// `text` itself when it has at most `length` characters, else its first `length`
    /// characters followed by "…". Control characters (a NUL, a newline) are shown escaped,
    /// so the message stays one line.
    public static func excerpt(_ text: some StringProtocol, length: Int = excerptLength) -> String {
        let shown = text.prefix(length)
        let escaped = shown.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined()
        return escaped + (shown.endIndex < text.endIndex ? "…" : "")
    }

    /// The first `limit` of `names`, each cut by ``excerpt(_:length:)`` and quoted with `'`
    /// (unless `quoted` is false), joined by `separator`, and "and N more" when there are more:
    /// "'a', 'b', 'c', 'd', 'e' and 24995 more".
    public static func list(_ names: some Collection<String>, limit: Int = listedNames, separator: String = ", ",
                            quoted: Bool = true) -> String {
        let shown = names.prefix(limit).map { quoted ? "'\(excerpt($0))'" : excerpt($0) }.joined(separator: separator)
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }
}
