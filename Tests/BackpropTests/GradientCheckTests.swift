import Backprop
import Testing
import TestSupport

@Suite("Gradient check: backpropagation against numerical differentiation (book 5.7.3)")
struct GradientCheckTests {
    /// Three MNIST-like samples: features in [0, 1), like normalized pixels. (At the book's
    /// input scale the central difference's truncation error, about h² times the loss's third
    /// derivative, stays far below 1e-8; inputs ten times larger push it above for a deep
    /// He-initialized network.)
    let data = unitIntervalDataset(count: 3, features: 12, classes: 4, seed: 11)

    @Test("In Double every mean difference is below 1e-8, for ReLU and sigmoid networks of depth 1 to 3")
    func referenceDouble() {
        let backend = ReferenceBackend<Double>()
        let networks = [
            TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, backend: backend, seed: 1),
            TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, weightInitStd: 0.5, backend: backend, seed: 2),
            MultiLayerNet(inputSize: 12, hiddenSizes: [8, 6], outputSize: 4, activation: .relu,
                          weightInitialization: .he, backend: backend, seed: 3),
            MultiLayerNet(inputSize: 12, hiddenSizes: [8, 6], outputSize: 4, activation: .sigmoid,
                          weightInitialization: .xavier, backend: backend, seed: 4),
            // No hidden layer: softmax regression, where the first affine layer is also the last.
            MultiLayerNet(inputSize: 12, hiddenSizes: [], outputSize: 4, backend: backend, seed: 5),
        ]
        for network in networks {
            let check = GradientCheck(network: network, dataset: data)
            #expect(check.differences.map(\.name) == network.parameters.map(\.name))
            for (name, difference) in check.differences {
                #expect(difference < 1e-8, "\(name): \(difference)")
            }
        }
    }

    @Test("The check leaves the parameters exactly as they were")
    func parametersRestored() {
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 5, outputSize: 4, backend: FastBackend(), seed: 5)
        let before = network.parameters.map(\.tensor)
        _ = GradientCheck(network: network, dataset: data)
        #expect(network.parameters.map(\.tensor) == before)
    }

    @Test("A wrong backward pass is caught: the check is not vacuous")
    func detectsWrongGradient() {
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, weightInitStd: 0.5,
                                  backend: ReferenceBackend<Double>(), seed: 2)
        let samples = data.prefix(3)
        let inputs = Tensor<Double>(samples.inputs)
        let numerical = network.numericalGradient(inputs, targets: .labels(samples.labels))
        // One-hot targets for a different class than the labels give a different gradient.
        var wrongTargets = Tensor<Double>(shape: [3, 4])
        for row in 0..<3 { wrongTargets[row, (Int(samples.labels[row]) + 1) % 4] = 1 }
        let wrong = network.gradient(inputs, targets: .oneHot(wrongTargets))
        #expect(maxAbsoluteDifference(wrong[0].tensor, numerical[0].tensor) > 1e-3)
    }

    @Test("In Float (fast backend) every mean difference is below 1e-3")
    func fastFloat() {
        // The numerical gradient, not backpropagation, limits the agreement in Float: the loss
        // (about ln 4 = 1.39 here) is rounded to a multiple of ulp(1.39) = 1.2e-7, so
        // (L(p + h) - L(p - h)) / 2h is quantized in steps of 1.2e-7 / 2e-4 = 6e-4, and each
        // loss carries a few such rounding errors from the GEMMs and the softmax. Measured
        // mean differences with the book's std 0.01: 1.1e-4 to 1.9e-4 for W1, b1, W2, b2
        // (in Double the same network agrees to 1e-10). 1e-3 leaves a margin of 5x over the
        // rounding noise. It catches errors of at least that size; the Double check above is
        // the sharp one, and the numpy comparison holds the fast backend to 1e-4 relative.
        let network = TwoLayerNet(inputSize: 12, hiddenSize: 10, outputSize: 4, backend: FastBackend(), seed: 1)
        let check = GradientCheck(network: network, dataset: data)
        for (name, difference) in check.differences {
            #expect(difference < 1e-3, "\(name): \(difference)")
        }
    }
}
