import Backprop
import Foundation
import Testing

/// Checks against the copy of MNIST shipped in `data/mnist`, with the figures its README and
/// NumPy give.
@Suite("Shipped MNIST")
struct ShippedMNISTTests {
    let directory: URL

    init() throws {
        directory = try MNIST.defaultDirectory()
    }

    @Test("the test set: 10,000 rows of 784 pixels in 0...1 and the known label counts")
    func testSet() throws {
        let test = try MNIST.load(.test, from: directory)
        #expect(test.inputs.shape == [10_000, 784])
        #expect(test.count == 10_000)
        #expect(test.featureCount == 784)
        let counts = labelCounts(test.labels)
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(counts.reduce(0, +) == test.count)
        #expect(test.inputs.scalars.min() == 0)
        #expect(test.inputs.scalars.max() == 1)
        // Sum of all pixels / 255 in Float, summed in Double: NumPy gives 1038914.5186372381.
        let sum = test.inputs.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - 1_038_914.518_637_238_1) < 1e-6)
    }

    @Test("the training labels: 60,000 with the counts the README gives")
    func trainingLabels() throws {
        let labels = try MNIST.labels(.train, from: directory)
        #expect(labels.count == 60_000)
        #expect(labelCounts(labels) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    @Test("the training images: mean raw pixel 33.318")
    func trainingImages() throws {
        let train = try MNIST.load(.train, from: directory, normalize: false)
        #expect(train.inputs.shape == [60_000, 784])
        let sum = train.inputs.withUnsafeBufferPointer { pixels in
            pixels.reduce(0) { $0 + Int($1) }
        }
        #expect(sum == 1_567_298_545)
        #expect(abs(Double(sum) / Double(train.inputs.count) - 33.318) < 0.001)
    }

    private func labelCounts(_ labels: [Int32]) -> [Int] {
        var counts = Array(repeating: 0, count: MNIST.classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}
