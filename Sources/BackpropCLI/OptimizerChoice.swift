import ArgumentParser

/// Which update rule trains the network.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, adam
}

extension OptimizerChoice {
    /// The values the optimizer keeps per parameter (Momentum's velocity, Adam's two
    /// moments), for the memory estimate.
    var stateSlots: Int {
        switch self {
        case .sgd: return 0
        case .momentum: return 1
        case .adam: return 2
        }
    }
}
