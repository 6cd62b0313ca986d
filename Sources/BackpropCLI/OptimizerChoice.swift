import ArgumentParser

/// Which update rule trains the network.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, adam
}
