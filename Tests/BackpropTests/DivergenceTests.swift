import Backprop
import Testing

/// Training that goes non-finite must stop with ``TrainingError/nonFiniteLoss(iteration:loss:)``
/// naming the iteration, and leave the parameters as the last good iteration left them.
@Suite("Diverging training stops with an error naming the iteration")
struct DivergenceTests {
    enum Method: String, CaseIterable, CustomTestStringConvertible {
        case sgd, momentum, adam
        var testDescription: String { rawValue }
    }

    /// What a run that was expected to diverge did.
    struct Outcome {
        var error: TrainingError?
        /// The iterations reported through `onIteration` before the error.
        var iterationsSeen: Int
        var completedIterations: Int
        /// The parameters after the last iteration that completed (the initial ones if none did).
        var lastGoodParameters: [[UInt32]]
        var finalParameters: [[UInt32]]
    }

    /// Trains a 784-20-10 network on `data`, recording the parameters after every iteration.
    func train<Method: Optimizer>(_ data: Dataset, with optimizer: Method, iterations: Int, batchSize: Int = 100)
        -> Outcome where Method.Scalar == Float
    {
        let network = MultiLayerNet(inputSize: data.featureCount, hiddenSizes: [20], outputSize: data.classCount,
                                    backend: FastBackend(), seed: 1)
        let trainer = Trainer(network: network, optimizer: optimizer, trainingSet: data,
                              configuration: TrainingConfiguration(iterations: iterations, batchSize: batchSize, seed: 2))
        var outcome = Outcome(error: nil, iterationsSeen: 0, completedIterations: 0,
                              lastGoodParameters: parameterBits(of: network), finalParameters: [])
        do {
            _ = try trainer.train(onIteration: { _, _ in
                outcome.iterationsSeen += 1
                outcome.lastGoodParameters = parameterBits(of: network)
            })
        } catch {
            outcome.error = error
        }
        outcome.completedIterations = trainer.completedIterations
        outcome.finalParameters = parameterBits(of: network)
        return outcome
    }

    func expectStopped(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .nonFiniteLoss(let iteration, let loss)? = outcome.error else {
            Issue.record("training finished without a non-finite loss", sourceLocation: sourceLocation)
            return
        }
        #expect(!loss.isFinite, sourceLocation: sourceLocation)
        #expect(iteration == outcome.iterationsSeen, sourceLocation: sourceLocation)
        #expect(outcome.completedIterations == iteration, sourceLocation: sourceLocation)
        #expect(outcome.finalParameters == outcome.lastGoodParameters,
                "the failing iteration changed the parameters", sourceLocation: sourceLocation)
        #expect(outcome.error?.description.contains("iteration \(iteration)") == true, sourceLocation: sourceLocation)
    }

    @Test("A learning rate of 1e30 on MNIST overflows within a few iterations, with every optimizer",
          arguments: Method.allCases)
    func hugeLearningRate(_ method: Method) throws {
        let (training, _) = try MNISTTrainingRun.data.get()
        let outcome: Outcome
        switch method {
        case .sgd: outcome = train(training, with: SGD(learningRate: 1e30), iterations: 50)
        case .momentum: outcome = train(training, with: Momentum(learningRate: 1e30), iterations: 50)
        case .adam: outcome = train(training, with: Adam(learningRate: 1e30), iterations: 50)
        }
        expectStopped(outcome)
        // The first step is finite (the initial weights are small); the overflow comes after it.
        #expect(outcome.iterationsSeen >= 1 && outcome.iterationsSeen < 10, "stopped after \(outcome.iterationsSeen)")
    }

    @Test("An update that diverges in the last iteration is caught when training ends")
    func divergenceInTheLastUpdate() throws {
        let (training, _) = try MNISTTrainingRun.data.get()
        let outcome = train(training, with: SGD(learningRate: 1e30), iterations: 1)
        expectStopped(outcome)
        #expect(outcome.iterationsSeen == 1)
        guard case .nonFiniteLoss(let iteration, _)? = outcome.error else { return }
        #expect(iteration == 1)
    }

    @Test("A NaN or infinite feature stops training once a minibatch draws its row",
          arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteFeature(_ value: Float) throws {
        let (training, _) = try MNISTTrainingRun.data.get()
        var inputs = training.prefix(50).inputs
        inputs[37, 400] = value
        let data = Dataset(inputs: inputs, labels: Array(training.labels.prefix(50)), classCount: 10)
        // 50 rows, 5 drawn per iteration: a given row escapes one iteration with probability
        // (49/50)^5 ≈ 0.9, all 200 with probability 2e-9; the seed fixes which iteration it is.
        let outcome = train(data, with: SGD(learningRate: 0.1), iterations: 200, batchSize: 5)
        expectStopped(outcome)
    }
}
