import Backprop
import CKernels
import Testing
import TestSupport

/// A short training run on a slice of the shipped MNIST, reduced to bit patterns so that two
/// runs can be compared exactly: every parameter, every minibatch loss, every evaluation.
struct MNISTTrainingRun: Equatable, Sendable {
    /// The shipped MNIST test split's first 2,000 images: 1,500 to train on, 500 held out.
    /// Loaded once for the whole test process.
    static let data: Result<(train: Dataset, test: Dataset), any Error> = Result {
        split(try MNIST.load(.test, from: MNIST.defaultDirectory()).prefix(2000), at: 1500)
    }

    /// What a run is made of; each configuration exercises other kernels.
    enum Configuration: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// 784-20-10 ReLU (fused bias + ReLU) with Adam.
        case reluAdam
        /// 784-20-10 sigmoid with Momentum.
        case sigmoidMomentum

        var testDescription: String { rawValue }
    }

    let parameters: [[UInt32]]
    let losses: [UInt64]
    let accuracies: [Double]

    /// Trains a 784-20-10 network with the fast backend for 40 iterations of 100 samples
    /// (3 evaluations of all 2,000 rows), from `seed` for both the weights and the minibatches.
    init(_ configuration: Configuration, seed: UInt64) throws {
        let (training, test) = try Self.data.get()
        let activation: Activation = configuration == .reluAdam ? .relu : .sigmoid
        let network = MultiLayerNet(inputSize: 784, hiddenSizes: [20], outputSize: 10, activation: activation,
                                    weightInitialization: activation == .relu ? .he : .xavier,
                                    backend: FastBackend(), seed: seed)
        let settings = TrainingConfiguration(iterations: 40, batchSize: 100, seed: seed)
        let history: TrainingHistory
        switch configuration {
        case .reluAdam:
            history = try Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: training,
                                  testSet: test, configuration: settings).train()
        case .sigmoidMomentum:
            history = try Trainer(network: network, optimizer: Momentum(learningRate: 0.1), trainingSet: training,
                                  testSet: test, configuration: settings).train()
        }
        parameters = parameterBits(of: network)
        losses = history.losses.map(\.bitPattern)
        accuracies = history.epochs.flatMap { [$0.trainAccuracy, $0.testAccuracy ?? -1] }
    }

    private init(network: MultiLayerNet<FastBackend>, history: TrainingHistory) {
        parameters = parameterBits(of: network)
        losses = history.losses.map(\.bitPattern)
        accuracies = history.epochs.flatMap { [$0.trainAccuracy, $0.testAccuracy ?? -1] }
    }

    /// The book's TwoLayerNet (784-50-10, ReLU, weight std 0.01, SGD with learning rate 0.1,
    /// batch 100) trained for `iterations` on the slice, from `seed`.
    static func book(seed: UInt64, iterations: Int, reducer: (any GradientReducer)? = nil) throws -> MNISTTrainingRun {
        let (training, test) = try data.get()
        let network = TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, backend: FastBackend(), seed: seed)
        let history = try Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: training,
                                  testSet: test,
                                  configuration: TrainingConfiguration(iterations: iterations, batchSize: 100, seed: seed),
                                  reducer: reducer)
            .train()
        return MNISTTrainingRun(network: network, history: history)
    }
}

extension CoreSettingsTests {
    /// ckernels.h promises bitwise identical results for any thread count and instruction set;
    /// these tests hold a whole training run through the Swift layers to that promise.
    @Suite("Training is bitwise reproducible across thread counts and instruction sets")
    struct DeterminismTests {
        @Test("1 and 2 threads train bitwise identical weights", arguments: MNISTTrainingRun.Configuration.allCases)
        func threadCounts(_ configuration: MNISTTrainingRun.Configuration) throws {
            let serial = try withThreadCount(1) { try MNISTTrainingRun(configuration, seed: 5) }
            let parallel = try withThreadCount(2) { try MNISTTrainingRun(configuration, seed: 5) }
            #expect(parallel == serial)
            // The run learned something, so the comparison is not between two untouched networks.
            #expect(serial.accuracies.last! > 0.5, "test accuracy \(serial.accuracies.last!)")
        }

        @Test("Every supported instruction set trains bitwise identical weights",
              arguments: MNISTTrainingRun.Configuration.allCases)
        func instructionSets(_ configuration: MNISTTrainingRun.Configuration) throws {
            let baseline = try MNISTTrainingRun(configuration, seed: 6)
            for isa in supportedISAs {
                let forced = try withInstructionSet(isa) { try MNISTTrainingRun(configuration, seed: 6) }
                #expect(forced == baseline, "\(isa.name) differs from \(FastBackend.instructionSet)")
            }
        }
    }
}

@Suite("Training runs depend on the seed and nothing else")
struct ReproducibilityTests {
    @Test("The same seed twice gives identical runs; another seed gives another run")
    func seeds() throws {
        let first = try MNISTTrainingRun(.reluAdam, seed: 11)
        let again = try MNISTTrainingRun(.reluAdam, seed: 11)
        let other = try MNISTTrainingRun(.reluAdam, seed: 12)
        #expect(again == first)
        #expect(other.parameters != first.parameters)
        #expect(other.losses != first.losses)
        // Not a single weight matrix coincides: the seed reaches every layer.
        for (a, b) in zip(first.parameters, other.parameters) where a.contains(where: { $0 != 0 }) {
            #expect(a != b)
        }
    }

    @Test("Two networks trained at the same time on two tasks match the same runs done one after the other")
    func concurrentTraining() async throws {
        let sequential = (try MNISTTrainingRun(.reluAdam, seed: 21), try MNISTTrainingRun(.sigmoidMomentum, seed: 22))
        async let first = MNISTTrainingRun(.reluAdam, seed: 21)
        async let second = MNISTTrainingRun(.sigmoidMomentum, seed: 22)
        let concurrent = try await (first, second)
        #expect(concurrent.0 == sequential.0)
        #expect(concurrent.1 == sequential.1)
    }
}
