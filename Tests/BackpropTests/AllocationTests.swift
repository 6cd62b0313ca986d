@testable import Backprop
import Testing

@Suite("A training step does not allocate after the first iteration")
struct AllocationTests {
    /// Trains a few steps and checks that every buffer a step uses (batch, layer outputs and
    /// gradients, parameters, optimizer state) still lives at the address it had after the
    /// second step. Copy-on-write would move a buffer that is still referenced from outside
    /// when it is written, and a resize would move it too. An evaluation in between must not
    /// disturb the training buffers either.
    func checkSteadyState<Backend: KernelBackend, Method: Optimizer>(
        _ backend: Backend, activation: Activation, optimizer: Method,
        configuration: TrainingConfiguration = TrainingConfiguration(batchSize: 16, evaluationChunkSize: 32, seed: 43),
        schedule: LearningRateSchedule? = nil, laterSteps: Int = 3
    ) throws where Method.Scalar == Backend.Scalar {
        let data = blobsDataset(count: 120, features: 6, classes: 3, seed: 41)
        let network = MultiLayerNet(inputSize: 6, hiddenSizes: [8, 5], outputSize: 3, activation: activation,
                                    backend: backend, seed: 42)
        let trainer = Trainer(network: network, optimizer: optimizer, trainingSet: data, testSet: data.prefix(50),
                              learningRateSchedule: schedule, configuration: configuration)
        try trainer.step()
        _ = trainer.evaluate()
        try trainer.step()
        let settled = trainer.storageAddresses
        // Layers 3 affine (6 each) + 2 activations + loss (2) + batch (3) + optimizer state.
        #expect(settled.count >= 3 * 6 + 2 * 2 + 2 + 3)
        _ = trainer.evaluate()
        for _ in 0..<laterSteps { try trainer.step() }
        let now = trainer.storageAddresses
        #expect(now.count == settled.count)
        let moved = settled.indices.filter { $0 < now.count && now[$0] != settled[$0] }
        #expect(moved.isEmpty, "buffers \(moved) of \(settled.count) were reallocated")
    }

    @Test("A layer list with batch normalization and dropout, trained with weight decay, allocates nothing either")
    func chapterSixNetwork() throws {
        for backendIsFast in [true, false] {
            let data = blobsDataset(count: 120, features: 6, classes: 3, seed: 41)
            var generator = SeededGenerator(seed: 42)
            let specs = try LayerSpec.list(parsing: "affine:8,batchnorm,relu,dropout:0.25,affine:5,tanh,dropout:0.1:inverted,affine:3")
            var configuration = TrainingConfiguration(batchSize: 16, evaluationChunkSize: 32, seed: 43)
            configuration.weightDecay = 0.01
            func settle<Backend: KernelBackend>(_ backend: Backend) throws where Backend.Scalar == Float {
                let network = try MultiLayerNet(inputShape: [6], layers: specs, backend: backend, generator: &generator)
                let trainer = Trainer(network: network, optimizer: Nesterov<Float>(), trainingSet: data,
                                      testSet: data.prefix(50), configuration: configuration)
                try trainer.step()
                _ = trainer.evaluate()
                try trainer.step()
                let settled = trainer.storageAddresses
                _ = trainer.evaluate()
                for _ in 0..<3 { try trainer.step() }
                let now = trainer.storageAddresses
                #expect(now.count == settled.count)
                let moved = settled.indices.filter { $0 < now.count && now[$0] != settled[$0] }
                #expect(moved.isEmpty, "buffers \(moved) of \(settled.count) were reallocated")
            }
            if backendIsFast { try settle(FastBackend()) } else { try settle(ReferenceBackend<Float>()) }
        }
    }

    @Test("Fast backend, ReLU (fused path) with Adam, sigmoid with momentum")
    func fastBackend() throws {
        try checkSteadyState(FastBackend(), activation: .relu, optimizer: Adam())
        try checkSteadyState(FastBackend(), activation: .sigmoid, optimizer: Momentum())
    }

    @Test("Chapter 6's optimizers and tanh: Nesterov, AdaGrad and RMSprop on both backends")
    func chapter6Optimizers() throws {
        try checkSteadyState(FastBackend(), activation: .tanh, optimizer: Nesterov())
        try checkSteadyState(FastBackend(), activation: .relu, optimizer: AdaGrad())
        try checkSteadyState(FastBackend(), activation: .sigmoid, optimizer: RMSprop())
        try checkSteadyState(ReferenceBackend<Double>(), activation: .tanh, optimizer: RMSprop())
    }

    @Test("Batch normalization and dropout reuse their buffers from the second training pass on")
    func chapter6Layers() {
        func check<Backend: KernelBackend>(_ backend: Backend) {
            let batchNorm = BatchNormalization(featureCount: 6, backend: backend)
            let dropout = Dropout(ratio: 0.3, style: .inverted, backend: backend)
            let tanh = Tanh(backend: backend)
            let x: Tensor<Backend.Scalar> = randomTensor(shape: [16, 6], seed: 46)
            let dout: Tensor<Backend.Scalar> = randomTensor(shape: [16, 6], seed: 47)
            func step() {
                let y = dropout.forward(tanh.forward(batchNorm.forward(x, training: true), training: true), training: true)
                #expect(y.shape == [16, 6])
                _ = batchNorm.backward(tanh.backward(dropout.backward(dout)))
                batchNorm.updateParameter(0) { gamma, gradient in backend.sgdUpdate(&gamma, gradient: gradient, learningRate: 0.1) }
                // An inference pass in between must not move the training buffers.
                _ = dropout.forward(tanh.forward(batchNorm.forward(x, training: false), training: false), training: false)
            }
            func addresses() -> [UnsafeRawPointer?] {
                batchNorm.storageAddresses + dropout.storageAddresses + tanh.storageAddresses
            }
            step()
            step()
            let settled = addresses()
            for _ in 0..<3 { step() }
            #expect(addresses() == settled, "\(backend.name)")
        }
        check(FastBackend())
        check(ReferenceBackend<Double>())
    }

    @Test("Epoch mode (reshuffled in place at each epoch's start) with a schedule allocates nothing either")
    func epochMode() throws {
        // 120 rows in batches of 20: six steps per epoch, so the later steps cross two epoch starts.
        try checkSteadyState(FastBackend(), activation: .relu, optimizer: Adam(),
                             configuration: TrainingConfiguration(epochs: 3, batchSize: 20, evaluationChunkSize: 32),
                             schedule: .cosine(initialRate: 0.01), laterSteps: 12)
        try checkSteadyState(FastBackend(), activation: .relu, optimizer: SGD(),
                             configuration: TrainingConfiguration(epochs: 3, order: .sequential, batchSize: 20),
                             schedule: .stepDecay(initialRate: 0.1, every: 1, factor: 0.5), laterSteps: 12)
    }

    @Test("Reference backend in Float and Double")
    func referenceBackend() throws {
        try checkSteadyState(ReferenceBackend<Float>(), activation: .relu, optimizer: Momentum())
        try checkSteadyState(ReferenceBackend<Double>(), activation: .sigmoid, optimizer: Adam())
        try checkSteadyState(ReferenceBackend<Double>(), activation: .relu, optimizer: SGD())
    }

    @Test("The check is not vacuous: holding on to the gradients makes the next step copy them")
    func detectsCopyOnWrite() throws {
        let data = blobsDataset(count: 40, features: 4, classes: 2, seed: 44)
        let network = MultiLayerNet(inputSize: 4, hiddenSizes: [5], outputSize: 2, backend: FastBackend(), seed: 45)
        let trainer = Trainer(network: network, optimizer: SGD(), trainingSet: data,
                              configuration: TrainingConfiguration(batchSize: 8))
        try trainer.step()
        try trainer.step()
        let settled = trainer.storageAddresses
        let heldGradients = network.gradients
        try trainer.step()
        #expect(trainer.storageAddresses != settled)
        #expect(heldGradients.count == 4)
    }
}
