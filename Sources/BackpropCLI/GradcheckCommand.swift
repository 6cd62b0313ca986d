import ArgumentParser
import Backprop
import Foundation

/// `backprop gradcheck`: the book's gradient check (section 5.7.3) — backpropagation against
/// the central-difference numerical gradient (h = 1e-4 in Float, 1e-6 in Double) of a network
/// on the first training samples, as the mean absolute difference per parameter: the book's
/// TwoLayerNet by default, or any architecture `train` can build (hidden sizes, activation,
/// batch normalization, dropout, any layer list, output units and loss). Elements whose
/// central difference crosses a ReLU kink are left out and counted.
///
/// The numerical gradient costs two forward passes per parameter, about 40,000 of them for
/// the book's 784-50-10 network; `--hidden` makes the check of a smaller network quick.
struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Compare backpropagation with the numerical gradient of a network (the book's 784-50-10 by default).")

    /// The precision the check runs in.
    enum Precision: String, ExpressibleByArgument, CaseIterable {
        case double, float

        /// The largest mean absolute difference that passes. In Double both gradients agree to
        /// about 1e-10 (the book shows 1e-10 to 1e-13). In Float the numerical gradient itself is
        /// coarse: the loss is rounded to ~1.2e-7, and dividing by 2h = 2e-4 gives steps of ~6e-4.
        var bound: Double { self == .double ? 1e-8 : 1e-3 }
    }

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .customLong("precision"), help: ArgumentHelp(
        "double (reference backend only) or float.",
        discussion: "Default: double on the reference backend, float on the fast one.", valueName: "precision"))
    var requestedPrecision: Precision?

    /// The precision asked for, or the one the backend computes in best: a bare
    /// `backprop gradcheck` (fast backend) must not be refused for its own defaults.
    var precision: Precision {
        requestedPrecision ?? (kernels.backend == .fast ? .float : .double)
    }

    @Option(help: ArgumentHelp(
        "Number of training samples in the batch (at most \(maximumSamples)).", valueName: "n"))
    var samples = 3

    /// The check costs two forward passes per parameter for every sample, and the agreement it
    /// measures does not improve with more of them: beyond this many it only runs for hours.
    static let maximumSamples = 100

    @OptionGroup var network: NetworkOptions

    @Option(help: "Seed of the weight initialization.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON line with the difference per parameter and the verdict.")
    var json = false

    func validate() throws {
        guard (1...Self.maximumSamples).contains(samples) else {
            throw ValidationError("--samples must be between 1 and \(Self.maximumSamples), got \(samples)")
        }
        if kernels.backend == .fast && precision == .double {
            throw ValidationError("the fast backend computes in float only: use --precision float, or --backend reference")
        }
    }

    func run() throws {
        kernels.apply()
        let directory = try dataOptions.directory()
        let batch = outputOptions.scaled(try MNIST.load(.train, from: directory).prefix(samples))
        try requireSamples(batch, split: .train, in: directory)
        // The network, its gradients, the numerical gradient and a copy of each, and one batch.
        let sizes = try network.sizes(inputSize: batch.featureCount, outputSize: batch.classCount)
        let estimate = TrainingMemory(sizes: sizes, batchSize: samples, evaluationRows: 0, optimizerSlots: 2,
                                      scalarSize: precision == .double ? 8 : 4)
        try TrainingPreflight.requireMemory(estimate.totalBytes, shares: [
            (network.sizeOption, estimate.parameterBytes), ("--samples \(samples)", estimate.batchBytes),
        ])
        let check: GradientCheck
        switch (kernels.backend, precision) {
        case (.fast, _):
            check = GradientCheck(network: try makeNetwork(FastBackend(), for: batch), dataset: batch, sampleCount: samples)
        case (.reference, .float):
            check = GradientCheck(network: try makeNetwork(ReferenceBackend<Float>(), for: batch), dataset: batch,
                                  sampleCount: samples)
        case (.reference, .double):
            check = GradientCheck(network: try makeNetwork(ReferenceBackend<Double>(), for: batch), dataset: batch,
                                  sampleCount: samples)
        }
        let sizesText = sizes.map(String.init).joined(separator: "-")
        let passed = check.largestDifference < precision.bound
        if json {
            var object: [String: Any] = ["passed": passed, "bound": precision.bound, "precision": precision.rawValue,
                                         "backend": kernels.backend.rawValue, "samples": batch.count, "sizes": sizesText]
            object["differences"] = Dictionary(uniqueKeysWithValues: check.differences.map { ($0.name, $0.meanAbsoluteDifference) })
            object["kink_crossings"] = check.totalKinkCrossings
            try StandardOutput.line(try jsonLine(object))
        } else {
            let summary = outputOptions.summary.isEmpty ? "" : ", " + outputOptions.summary
            let architecture = network.layers.map { "--layers \($0)" } ?? "\(sizesText) \(network.hiddenActivation.rawValue)"
            try StandardOutput.line("gradient check: \(architecture)\(summary), \(batch.count) samples, \(kernels.backend.rawValue) backend, \(precision.rawValue)")
            for (name, difference) in check.differences {
                try StandardOutput.line("\(name):\(String(repeating: " ", count: max(1, 4 - name.count)))\(String(format: "%.3e", difference))")
            }
            if check.totalKinkCrossings > 0 {
                try StandardOutput.line("left out \(check.totalKinkCrossings) parameter elements whose central difference crosses a ReLU's kink "
                      + "(a perturbation moved some unit's input across 0, so the difference is no derivative there)")
            }
            try StandardOutput.line(passed ? "passed (every difference < \(precision.bound))"
                         : "FAILED (largest difference \(check.largestDifference) >= \(precision.bound))")
        }
        if !passed { throw ExitCode.failure }
    }

    /// The network sized for the data: an image size other than MNIST's 28 x 28 must not
    /// reach the network's shape precondition.
    private func makeNetwork<Backend: KernelBackend>(_ backend: Backend, for batch: Dataset) throws -> MultiLayerNet<Backend> {
        var generator = SeededGenerator(seed: seed)
        do {
            return try MultiLayerNet(inputShape: network.inputShape(features: batch.featureCount, outputSize: batch.classCount),
                                     layers: network.specs(outputSize: batch.classCount),
                                     weightInitialization: .standardDeviation(0.01),
                                     biasInitialization: outputOptions.biasInit, output: try outputOptions.outputLayer(),
                                     classTargets: outputOptions.classTargets, backend: backend, generator: &generator)
        } catch let error as LayerShapeError {
            throw CommandError("\(network.option): \(error)")
        }
    }
}
