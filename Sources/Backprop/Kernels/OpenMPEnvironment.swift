import Foundation

/// `OMP_NUM_THREADS` and `OMP_THREAD_LIMIT` checked before LLVM's OpenMP runtime reads them.
///
/// The runtime reads both once, when the first parallel region or `omp_` call initializes it,
/// and takes what it finds badly: an empty `OMP_NUM_THREADS` fails an assertion and aborts,
/// 99999999999 or -1 abort after allocating gigabytes for that many threads, garbage is
/// ignored with a warning in the runtime's words. A program calls ``sanitize(coreCount:)``
/// first thing, before any kernel runs: an invalid value is removed from the environment
/// (with one warning line for the program to print), and a count above the machine's cores
/// is lowered to the core count — more threads than cores only oversubscribe them, and the
/// results are bitwise the same for any count.
public enum OpenMPEnvironment {
    /// What to do with one variable's value.
    public enum Verdict: Equatable, Sendable {
        /// The value is valid and within the cores: leave it.
        case keep
        /// Valid but above the core count: set it to this instead.
        case replace(String)
        /// Invalid: remove it, for the reason given (a sentence fragment naming the value).
        case remove(reason: String)
    }

    /// The variables checked: the threads per nesting level (a comma-separated list of
    /// positive counts) and the limit on all threads (one positive count).
    public static let variableNames = ["OMP_NUM_THREADS", "OMP_THREAD_LIMIT"]

    /// What to do with `value` of the variable `name` on a machine of `coreCount` cores.
    /// Surrounding blanks are allowed; each count must be a positive whole number in decimal
    /// (of any length: a huge one is simply more than the cores).
    public static func verdict(name: String, value: String, coreCount: Int) -> Verdict {
        let cores = max(coreCount, 1)
        let items = value.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let form = name == "OMP_NUM_THREADS" ? "a positive whole number or a comma-separated list of them"
                                              : "a positive whole number"
        let shown = "\(name)=\"\(MessageText.excerpt(value))\""
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .remove(reason: "\(shown) is empty; expected \(form)")
        }
        guard name == "OMP_NUM_THREADS" || items.count == 1,
              items.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } })
        else {
            return .remove(reason: "\(shown) is not \(form)")
        }
        // Digits only, so nil from Int(_:) means too large for Int: more than the cores.
        let counts = items.map { item in Int(item).map { min($0, cores) } ?? cores }
        guard counts.allSatisfy({ $0 >= 1 }) else {
            return .remove(reason: "\(shown) asks for 0 threads; expected \(form)")
        }
        let capped = counts.map(String.init).joined(separator: ",")
        return capped == value ? .keep : .replace(capped)
    }

    /// Applies ``verdict(name:value:coreCount:)`` to this process's environment: removes the
    /// invalid variables and lowers the counts above `coreCount`. Returns one warning per
    /// variable removed, for the caller to print. Call it before any kernel runs: once the
    /// OpenMP runtime has started, it has read the variables already.
    @discardableResult
    public static func sanitize(coreCount: Int = ProcessInfo.processInfo.activeProcessorCount) -> [String] {
        var warnings: [String] = []
        for name in variableNames {
            guard let pointer = getenv(name) else { continue }
            switch verdict(name: name, value: String(cString: pointer), coreCount: coreCount) {
            case .keep: break
            case .replace(let value): setenv(name, value, 1)
            case .remove(let reason):
                unsetenv(name)
                warnings.append("\(reason); ignored")
            }
        }
        return warnings
    }
}
