/// Rewrites a negative number given as an option's value, `--learning-rate -0.1`, into the
/// attached form `--learning-rate=-0.1`.
///
/// swift-argument-parser reads a token that starts with `-` as an option, so `-0.1` would
/// leave `--learning-rate` without a value ("Missing value") and the user would never hear
/// the real problem (a negative rate). Attached, the value reaches the option's own
/// validation, which names the option and the number. For options taking several values
/// (`--hidden 100 -5`) each negative one becomes its own `--hidden=-5`, which the parser
/// appends to the earlier values. Tokens after `--` and tokens that are not numbers are left
/// alone.
enum NegativeNumberArguments {
    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var option: String?
        for (index, token) in arguments.enumerated() {
            if token == "--" {
                return result + arguments[index...]
            }
            if token.hasPrefix("--") {
                option = token.contains("=") ? nil : token
                result.append(token)
            } else if let option, isNegativeNumber(token) {
                // Right after the option, the attached form replaces it; after other values, it repeats it.
                if result.last == option { result.removeLast() }
                result.append("\(option)=\(token)")
            } else {
                result.append(token)
            }
        }
        return result
    }

    /// `-5`, `-0.1`, `-.5`, `-1e30`, `-inf`, `-nan`: a minus sign and what `Double` parses.
    private static func isNegativeNumber(_ token: String) -> Bool {
        token.hasPrefix("-") && token.count > 1 && Double(token) != nil
    }
}
