import ArgumentParser
import Backprop

/// `backprop`: chapter 5 of *Deep Learning from Scratch* on the command line.
struct BackpropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train and check neural networks with backpropagation (Deep Learning from Scratch, chapters 5 and 6).",
        version: PackageVersion.current,
        subcommands: [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, ConvertCommand.self,
                      GradcheckCommand.self, ApplesCommand.self, ExperimentCommand.self, FiltersCommand.self],
        defaultSubcommand: TrainCommand.self
    )
}
