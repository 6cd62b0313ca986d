import ArgumentParser

/// How the initial weights are drawn.
enum WeightInitChoice: String, ExpressibleByArgument, CaseIterable {
    /// Normal with the fixed standard deviation of `--weight-std` (the book's 0.01).
    case std
    /// He: sqrt(2 / inputs), for ReLU.
    case he
    /// Xavier: sqrt(1 / inputs), for sigmoid.
    case xavier
}
