import ArgumentParser
import Backprop

/// `--activation relu`, `--activation sigmoid` and `--activation tanh` name the library's
/// activations directly (their raw values).
extension Activation: ExpressibleByArgument {}
