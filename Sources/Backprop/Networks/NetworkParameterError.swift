/// Why a set of named parameters cannot be loaded into a network. Loading checks everything
/// before changing anything, so a rejected set leaves the network as it was.
public enum NetworkParameterError: Error, Equatable, CustomStringConvertible {
    /// The network has a parameter with this name but the set does not.
    case missing(name: String)
    /// The set has a parameter with this name but the network does not.
    case unexpected(name: String)
    /// The set has this name more than once.
    case duplicate(name: String)
    /// The parameter exists but its shape differs from the network's.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])

    /// A sentence naming the parameter and the problem.
    public var description: String {
        switch self {
        case .missing(let name): return "parameter \(name) is missing"
        case .unexpected(let name): return "parameter \(name) does not belong to this network"
        case .duplicate(let name): return "parameter \(name) appears more than once"
        case .shapeMismatch(let name, let expected, let actual):
            return "parameter \(name) has shape \(actual), the network needs \(expected)"
        }
    }
}
