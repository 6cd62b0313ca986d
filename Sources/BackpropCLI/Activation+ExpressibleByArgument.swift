import ArgumentParser
import Backprop

/// `--activation relu` and `--activation sigmoid` name the library's activations directly.
extension Activation: ExpressibleByArgument {}
