import Backprop
import Foundation
import Testing
import TestSupport

/// y = 1.0·x₀ - 2.0·x₁ + 0.5·x₂ + 3 + ε with x ~ N(0, 1) and ε ~ N(0, noise²), scaled by
/// `scale` and shifted by `shift` (so a standardized run has something to undo). The signal's
/// variance is 1 + 4 + 0.25 = 5.25, so the best possible R² is 5.25 / (5.25 + noise²).
private func linearDataset(count: Int, noise: Double, scale: Float = 1, shift: Float = 0, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var normal = NormalDistribution(standardDeviation: 1)
    var inputs = Tensor<Float>(shape: [count, 3])
    var values = Tensor<Float>(shape: [count, 1])
    for row in 0..<count {
        let x = (0..<3).map { _ in normal.next(using: &generator) }
        for j in 0..<3 { inputs[row, j] = Float(x[j]) }
        let y = 1.0 * x[0] - 2.0 * x[1] + 0.5 * x[2] + 3 + noise * normal.next(using: &generator)
        values[row, 0] = Float(y) * scale + shift
    }
    return Dataset(inputs: inputs, values: values)
}

@Suite("Regression: identity outputs with squared error, real-valued targets, RMSE/MAE/R²")
struct RegressionTests {
    @Test("The C kernel and the Double reference agree on the loss and its gradient; a hand-computed case is exact")
    func kernelAgainstReference() {
        // Hand case: errors 1, -2 | 0.5, 0 → 0.5·(1 + 4 + 0.25) / 2 rows = 1.3125; dx = (y - t) / 2.
        let x = Tensor<Float>(shape: [2, 2], scalars: [1, -1, 2.5, 4])
        let t = Tensor<Float>(shape: [2, 2], scalars: [0, 1, 2, 4])
        var y = Tensor<Float>(shape: [0])
        #expect(FastBackend().identitySquaredError(x, targets: t, into: &y) == 1.3125)
        #expect(y == x)
        var dx = Tensor<Float>(shape: [0])
        FastBackend().identitySquaredErrorBackward(output: y, targets: t, into: &dx)
        #expect(dx.scalars == [0.5, -1, 0.25, 0])

        // Random shapes, including an odd row count and a single column: Float against Double.
        for (index, (m, n)) in [(1, 1), (7, 3), (33, 1), (64, 5)].enumerated() {
            let scores: Tensor<Float> = randomTensor(shape: [m, n], standardDeviation: 3, seed: UInt64(100 + index))
            let targets: Tensor<Float> = randomTensor(shape: [m, n], standardDeviation: 2, seed: UInt64(200 + index))
            var fastOutput = Tensor<Float>(shape: [0]), referenceOutput = Tensor<Double>(shape: [0])
            let fastLoss = FastBackend().identitySquaredError(scores, targets: targets, into: &fastOutput)
            let referenceLoss = ReferenceBackend<Double>().identitySquaredError(
                Tensor<Double>(scores), targets: Tensor<Double>(targets), into: &referenceOutput)
            #expect(abs(Double(fastLoss) - referenceLoss) <= 1e-6 * referenceLoss, "\(m)x\(n)")
            #expect(Tensor<Double>(fastOutput) == referenceOutput)
            var fastGradient = Tensor<Float>(shape: [0]), referenceGradient = Tensor<Double>(shape: [0])
            FastBackend().identitySquaredErrorBackward(output: fastOutput, targets: targets, into: &fastGradient)
            ReferenceBackend<Double>().identitySquaredErrorBackward(output: referenceOutput, targets: Tensor<Double>(targets),
                                                                    into: &referenceGradient)
            #expect(maxAbsoluteDifference(Tensor<Double>(fastGradient), referenceGradient) < 1e-6, "\(m)x\(n)")
        }
    }

    @Test("A network closed by identity outputs passes the Double gradient check below 1e-8 with real-valued targets")
    func gradientCheck() throws {
        let backend = ReferenceBackend<Double>()
        let data = linearDataset(count: 4, noise: 0.5, scale: 2, shift: -1, seed: 7)
        for activation in Activation.allCases {
            for hidden in [[6], [5, 4]] {
                let network = MultiLayerNet(inputSize: 3, hiddenSizes: hidden, outputSize: 1, activation: activation,
                                            biasInitialization: .uniform, output: .identity, backend: backend, seed: 8)
                let check = GradientCheck(network: network, dataset: data, sampleCount: 4)
                #expect(check.differences.count == 2 * (hidden.count + 1))
                #expect(check.largestDifference < 1e-8, "\(activation) \(hidden): \(check.differences)")
            }
        }
        #expect(try OutputLayer(activation: .identity, loss: nil) == .identity)
        #expect(try OutputLayer(activation: .identity, loss: .meanSquaredError) == .identity)
        #expect(throws: OutputLayer.IncompatibleChoice.self) { try OutputLayer(activation: .identity, loss: .crossEntropy) }
    }

    @Test("Metrics: a perfect fit, the mean predictor (R² 0, RMSE = the targets' deviation) and a hand case")
    func metrics() throws {
        let targets = Tensor<Float>(shape: [4, 1], scalars: [1, 2, 3, 6])
        let perfect = RegressionMetrics(predictions: targets, targets: targets)
        #expect(perfect == RegressionMetrics(rmse: 0, mae: 0, r2: 1))
        let baseline = try #require(Dataset(inputs: Tensor(shape: [4, 1]), values: targets).meanPredictorMetrics)
        // mean 3, squared deviations 4 1 0 9: variance 3.5, mean absolute deviation 1.5.
        #expect(abs(baseline.rmse - 3.5.squareRoot()) < 1e-12)
        #expect(baseline.mae == 1.5)
        #expect(baseline.r2 == 0)
        // Predictions off by 1, -1, 0, 2: SSE 6 of 14 → R² 1 - 6/14, RMSE √1.5, MAE 1.
        let hand = RegressionMetrics(predictions: Tensor(shape: [4, 1], scalars: [2, 1, 3, 8]), targets: targets)
        #expect(abs(hand.r2 - (1 - 6.0 / 14)) < 1e-12)
        #expect(abs(hand.rmse - 1.5.squareRoot()) < 1e-12)
        #expect(hand.mae == 1)
        #expect(blobsDataset(count: 6, features: 2, classes: 2, seed: 1).meanPredictorMetrics == nil)
    }

    @Test("Training on a linear relation with noise σ = 0.1 reaches the noise floor: test R² near 5.25/5.26, RMSE near σ, in the targets' units when standardized")
    func reachesNoiseFloor() throws {
        // Targets scaled by 10 and shifted by 100, standardized for training: RMSE in original
        // units should be near 10 · 0.1 = 1, and R² (unchanged by scaling) near 0.9981.
        let data = linearDataset(count: 500, noise: 0.1, scale: 10, shift: 100, seed: 21)
        var (training, test) = try #require(data.split(testFraction: 0.2, seed: 22))
        let scaling = Standardization(fitting: training.values!)
        #expect(abs(scaling.mean[0] - 130) < 3)  // 10 · 3 + 100, give or take the sample
        training.values = scaling.apply(to: training.values!)
        let originalTest = test
        test.values = scaling.apply(to: test.values!)

        let network = MultiLayerNet(inputSize: 3, hiddenSizes: [16], outputSize: 1, output: .identity,
                                    backend: FastBackend(), seed: 23)
        let before = try #require(test.meanPredictorMetrics)
        let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: training, testSet: test,
                              configuration: TrainingConfiguration(epochs: 60, batchSize: 32, seed: 24))
        trainer.targetScaling = scaling
        let history = try trainer.train()
        let final = try #require(history.epochs.last)
        let testMetrics = try #require(final.testMetrics)
        let trainMetrics = try #require(final.trainMetrics)
        // The noise floor: R² = 5.25 / (5.25 + 0.01) = 0.9981 in expectation; 100 test rows
        // scatter it by a few 1e-4, and a 16-unit network fitting a plane stays near it.
        #expect(testMetrics.r2 > 0.995 && testMetrics.r2 < 0.9995, "\(testMetrics)")
        #expect(trainMetrics.r2 > 0.995 && trainMetrics.r2 < 0.9995, "\(trainMetrics)")
        #expect(testMetrics.rmse > 0.8 && testMetrics.rmse < 1.6, "\(testMetrics)")
        #expect(testMetrics.mae < testMetrics.rmse)
        #expect(final.trainAccuracy.isNaN)
        // The trainer's metrics are the restored predictions' metrics against the original values.
        let restored = scaling.restore(network.predictions(test.inputs))
        let direct = RegressionMetrics(predictions: restored, targets: originalTest.values!)
        #expect(abs(direct.rmse - testMetrics.rmse) < 1e-9 && abs(direct.r2 - testMetrics.r2) < 1e-12)
        // The baseline: the mean predictor in standardized units explains nothing.
        #expect(abs(before.r2) < 1e-12)
        #expect(network.predict(test.inputs) == network.predictions(test.inputs, chunkSize: 7))
    }

    @Test("Validation metrics and the validation loss of a regression are measured on the held-out rows")
    func validation() throws {
        let data = linearDataset(count: 200, noise: 0.3, seed: 31)
        let (training, validation) = data.holdingOutValidation(fraction: 0.25)
        #expect(validation.count == 50 && validation.values?.rows == 50)
        let network = MultiLayerNet(inputSize: 3, hiddenSizes: [8], outputSize: 1, output: .identity,
                                    backend: FastBackend(), seed: 32)
        let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01), trainingSet: training,
                              validationSet: validation,
                              configuration: TrainingConfiguration(epochs: 30, batchSize: 16, evaluationChunkSize: 20, seed: 33))
        let history = try trainer.train()
        let final = try #require(history.epochs.last)
        let metrics = try #require(final.validationMetrics)
        let loss = try #require(final.validationLoss)
        // Half the mean squared error is the loss: RMSE² / 2, up to Float rounding.
        #expect(abs(loss - metrics.rmse * metrics.rmse / 2) < 1e-4 * loss, "\(loss) \(metrics)")
        #expect(metrics.r2 > 0.95, "\(metrics)")
        #expect(final.testMetrics == nil)
        // The curves show R² where a classifier's show accuracy.
        let curves = LearningCurves(history: history)
        let lines = curves.csv().split(separator: "\n")
        #expect(lines.first == "iteration,loss,epoch,train_r2,test_r2,validation_loss,validation_r2")
        let last = try #require(lines.last?.split(separator: ",", omittingEmptySubsequences: false))
        #expect(last.count == 7 && Double(last[3]) == final.trainMetrics?.r2 && Double(last[6]) == metrics.r2)
        #expect(curves.svg().contains(">R²<"))
    }

    @Test("A saved regression model keeps its identity outputs, target names and target scaling")
    func saveAndLoad() throws {
        let network = MultiLayerNet(inputSize: 3, hiddenSizes: [4], outputSize: 2, output: .identity,
                                    backend: FastBackend(), seed: 41)
        let targets = RegressionTargets(names: ["price, EUR", "area"],
                                        scaling: Standardization(mean: [250_000.5, 80], standardDeviation: [1e5, 12.25]))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("regression-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try ModelFile.save(network, to: url, metadata: targets.metadata)
        let imported = try ModelFile.importModel(from: url, backend: FastBackend())
        #expect(imported.network.output == .identity)
        let loaded = try #require(try RegressionTargets(metadata: imported.metadata, outputCount: 2, source: url.path))
        #expect(loaded == targets)
        let x: Tensor<Float> = randomTensor(shape: [5, 3], seed: 42)
        #expect(imported.network.predict(x) == network.predict(x))
        let values = loaded.values(fromOutputs: network.predict(x))
        #expect(abs(values[0, 0] - (network.predict(x)[0, 0] * 1e5 + 250_000.5)) < 0.05)
        // A classifier's file records no targets; a count that does not match the outputs is refused.
        #expect(try RegressionTargets(metadata: [:], outputCount: 2, source: "m") == nil)
        #expect(throws: ModelFileError.self) { try RegressionTargets(metadata: targets.metadata, outputCount: 3, source: "m") }
    }

    @Test("A CSV file's target columns become a regression set; the rest are the features, in file order")
    func csvTargets() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("a,price,b,area\n1,250.5,2,80\n3,199,4,61.5\n".utf8).write(to: url)
        let data = try Dataset(csv: url, targetColumns: ["area", "price"])
        #expect(data.isRegression && data.count == 2 && data.targetCount == 2 && data.featureCount == 2)
        #expect(data.inputs.scalars == [1, 2, 3, 4])
        #expect(data.values?.scalars == [80, 250.5, 61.5, 199])
        let table = try CSVTable(contentsOf: url, labelColumn: nil)
        #expect(try table.separatingTargets(["price", "area"]).featureColumns == ["a", "b"])
        // A file to predict on may lack the targets; one that has only some of them is refused.
        #expect(try table.separatingTargets(["cost"], required: false).values == nil)
        #expect(throws: CSVDataError.self) { try table.separatingTargets(["price", "cost"], required: false) }
        #expect(throws: CSVDataError.self) { try Dataset(csv: url, targetColumns: ["cost"]) }
        // Split and held-out validation keep each row's targets with its features.
        let rows = data.samples(at: [1, 0])
        #expect(rows.values?.scalars == [61.5, 199, 80, 250.5] && rows.inputs.scalars == [3, 4, 1, 2])
        #expect(data.holdingOutValidation(fraction: 0.5).validation.values?.scalars == [61.5, 199])
    }
}
