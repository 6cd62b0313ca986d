import ArgumentParser

/// Which update rule trains the network.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, adam, nesterov, adagrad, rmsprop
}

extension OptimizerChoice {
    /// The values the optimizer keeps per parameter (Momentum's and Nesterov's velocity,
    /// AdaGrad's and RMSprop's squared gradients, Adam's two moments), for the memory estimate.
    var stateSlots: Int {
        switch self {
        case .sgd: return 0
        case .momentum, .nesterov, .adagrad, .rmsprop: return 1
        case .adam: return 2
        }
    }
}
