import ArgumentParser
import Backprop

/// How the initial weights are drawn.
enum WeightInitChoice: String, ExpressibleByArgument, CaseIterable {
    /// Normal with the fixed standard deviation of `--weight-std` (the book's 0.01).
    case std
    /// He: sqrt(2 / inputs), for ReLU.
    case he
    /// Xavier: sqrt(1 / inputs), for sigmoid.
    case xavier
}

extension WeightInitChoice {
    /// The initialization `choice` names (`std` with `standardDeviation`); without a choice,
    /// the one `preset` prescribes (DeepConvNet's He), else He's where `prefersHe` (a CSV
    /// file, or more than one hidden layer, where the book's 0.01 shrinks the signal layer
    /// after layer) unless a standard deviation was given, else the book's fixed standard
    /// deviation. One rule for `train` and `filters`, so `filters --seed N` draws the network
    /// `train --seed N` starts from.
    static func initialization(_ choice: WeightInitChoice?, standardDeviation: Double,
                               standardDeviationGiven: Bool = false, prefersHe: Bool = false,
                               preset: NetworkPreset?) -> WeightInitialization {
        if choice == nil, let preset = preset?.weightInitialization { return preset }
        if choice == nil && !standardDeviationGiven && prefersHe && preset == nil { return .he }
        switch choice ?? .std {
        case .std: return .standardDeviation(standardDeviation)
        case .he: return .he
        case .xavier: return .xavier
        }
    }
}
