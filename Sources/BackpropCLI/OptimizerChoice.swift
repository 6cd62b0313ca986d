import ArgumentParser

/// Which update rule trains the network.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, adam, nesterov, adagrad, rmsprop
}

extension OptimizerChoice {
    /// The learning rate when `--learning-rate` is not given: the book's classes' defaults
    /// (0.01; Adam 0.001), except plain SGD, whose default is the rate of the book's
    /// TwoLayerNet run (0.1), what `backprop train` reproduces.
    var defaultLearningRate: Double {
        switch self {
        case .sgd: return 0.1
        case .momentum, .nesterov, .adagrad, .rmsprop: return 0.01
        case .adam: return 0.001
        }
    }

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
