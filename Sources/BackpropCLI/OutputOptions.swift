import ArgumentParser
import Backprop

extension OutputLayer.Activation: ExpressibleByArgument {}
extension OutputLayer.LossFunction: ExpressibleByArgument {}
extension BiasInitialization: ExpressibleByArgument {}

/// The network's output units, its loss and the choices that go with them (targets, biases,
/// input scaling), shared by `train` and `gradcheck`. The defaults are the book's.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output units: softmax (one class per sample) or sigmoid (independent outputs); "
                               + "a regression (--target-column) has identity outputs."))
    var output: OutputLayer.Activation = .softmax

    @Option(help: ArgumentHelp(
        "Loss: cross-entropy (softmax), mse or binary-cross-entropy (sigmoid).",
        discussion: "Default: cross-entropy for softmax outputs, mse for sigmoid outputs.", valueName: "loss"))
    var loss: OutputLayer.LossFunction?

    @Flag(name: .customLong("smooth-targets"),
          help: "Class targets 0.01 and 0.99 instead of 0 and 1 (sigmoid outputs only).")
    var smoothTargets = false

    @Option(name: .customLong("bias-init"), help: "Initial biases: zero or uniform in [0, 1).")
    var biasInit: BiasInitialization = .zero

    @Option(name: .customLong("input-range"), help: ArgumentHelp(
        "Scale the pixels into LOW:HIGH instead of 0:1 (0.01:1.0 is x / 255 * 0.99 + 0.01).", valueName: "low:high"))
    var inputRange: InputRange?

    /// The output/loss pair; a pair that makes no sense is refused with its reason.
    func outputLayer() throws -> OutputLayer {
        do {
            return try OutputLayer(activation: output, loss: loss)
        } catch {
            throw ValidationError("--output \(output.rawValue) with --loss \(loss?.rawValue ?? "-"): \(error.description)")
        }
    }

    /// The class targets the loss maps labels to.
    var classTargets: ClosedRange<Double> { smoothTargets ? 0.01...0.99 : 0...1 }

    func validate() throws {
        if output == .identity {
            throw ValidationError("--output identity is for real-valued targets: give --csv with --target-column NAME, "
                                  + "which trains identity outputs with mse")
        }
        let pair = try outputLayer()
        if smoothTargets && pair == .softmaxCrossEntropy {
            throw ValidationError("--smooth-targets is for sigmoid outputs: softmax targets must sum to 1")
        }
    }

    /// `dataset` with its features (in [0, 1]) moved into `--input-range`, if given.
    func scaled(_ dataset: Dataset) -> Dataset {
        guard let inputRange else { return dataset }
        return dataset.rescaled(to: inputRange.low...inputRange.high)
    }

    /// A short description for the run's header line, empty for the book's defaults.
    var summary: String {
        var parts: [String] = []
        let pair = (try? outputLayer()) ?? .softmaxCrossEntropy
        if pair != .softmaxCrossEntropy { parts.append("\(pair.activation.rawValue) output, \(pair.lossFunction.rawValue) loss") }
        if smoothTargets { parts.append("targets 0.01/0.99") }
        if biasInit != .zero { parts.append("\(biasInit.rawValue) biases") }
        if let inputRange { parts.append("inputs \(inputRange.low):\(inputRange.high)") }
        return parts.joined(separator: ", ")
    }
}

/// `--input-range LOW:HIGH`: two finite numbers with LOW < HIGH.
struct InputRange: ExpressibleByArgument {
    var low: Float
    var high: Float

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Float(parts[0]), let high = Float(parts[1]),
              low.isFinite, high.isFinite, low < high else { return nil }
        self.low = low
        self.high = high
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
