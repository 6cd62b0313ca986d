import Backprop
import Foundation
import Testing

/// probabilities, classify and their one-sample forms: softmax and argmax of predict's
/// scores, and copies that let threads predict at once.
@Suite("Inference: probabilities and classes")
struct InferenceTests {
    let network = MultiLayerNet(inputSize: 6, hiddenSizes: [8], outputSize: 4, weightInitialization: .standardDeviation(1),
                                backend: FastBackend(), seed: 60)
    let x = blobsDataset(count: 40, features: 6, classes: 4, seed: 61).inputs

    @Test("probabilities are the softmax of the scores (to 1e-6 against Double) and each row sums to 1")
    func probabilitiesAreSoftmax() {
        let scores = network.predict(x)
        let probabilities = network.probabilities(x)
        #expect(probabilities.shape == [40, 4])
        for row in 0..<40 {
            let rowScores = (0..<4).map { Double(scores[row, $0]) }
            let largest = rowScores.max()!
            let exponentials = rowScores.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for column in 0..<4 {
                #expect(abs(Double(probabilities[row, column]) - exponentials[column] / total) < 1e-6)
            }
            #expect(abs((0..<4).map { Double(probabilities[row, $0]) }.reduce(0, +) - 1) < 1e-6)
        }
    }

    @Test("classify is the first index of each row's largest score, and agrees with accuracy")
    func classifyIsArgmax() {
        let scores = network.predict(x)
        let classes = network.classify(x)
        let expected = (0..<40).map { row in (0..<4).max { scores[row, $0] < scores[row, $1] || (scores[row, $0] == scores[row, $1] && $0 > $1) }! }
        #expect(classes == expected)
        let labels = (0..<40).map { Int32($0 % 4) }
        let correct = zip(classes, labels).filter { $0 == Int($1) }.count
        #expect(network.accuracy(x, labels: labels) == Double(correct) / 40)
    }

    @Test("The one-sample forms equal the batch's rows bitwise")
    func singleSample() {
        let probabilities = network.probabilities(x)
        let classes = network.classify(x)
        for row in [0, 17, 39] {
            let sample = Array(x.scalars[row * 6 ..< (row + 1) * 6])
            #expect(network.probabilities(sample).map(\.bitPattern) == (0..<4).map { probabilities[row, $0].bitPattern })
            #expect(network.classify(sample) == classes[row])
        }
    }

    @Test("Copies predict bitwise like the original, in parallel, and do not follow its training")
    func copies() throws {
        let expected = network.probabilities(x).scalars
        // Each thread touches only its own copy; Swift cannot see that, hence nonisolated(unsafe).
        nonisolated(unsafe) let copies = (0..<4).map { _ in network.copy() }
        nonisolated(unsafe) var results = [[Float]](repeating: [], count: copies.count)
        let x = self.x
        DispatchQueue.concurrentPerform(iterations: copies.count) { index in
            results[index] = copies[index].probabilities(x).scalars
        }
        #expect(results.allSatisfy { $0.map(\.bitPattern) == expected.map(\.bitPattern) })

        let data = blobsDataset(count: 40, features: 6, classes: 4, seed: 61)
        _ = try Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: data,
                        configuration: TrainingConfiguration(iterations: 5, batchSize: 10, seed: 1)).train()
        #expect(network.probabilities(x).scalars != expected)
        #expect(copies[0].probabilities(x).scalars.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
