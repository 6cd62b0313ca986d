import ArgumentParser

/// Which kernel implementation runs the network.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// The vectorized, multi-threaded C core.
    case fast
    /// The plain Swift loops (slow; the definition the fast one is tested against).
    case reference
}
