import Backprop
import Numerics
import PropertyBased
import Testing

@Suite("Layers (book 5.5, 5.6)")
struct LayerTests {
    // MARK: ReLU

    func checkRelu<Backend: KernelBackend>(_ backend: Backend) {
        let relu = Relu(backend: backend)
        let x = Tensor<Backend.Scalar>([[1, -0.5], [-2, 3]])
        #expect(relu.forward(x, training: true) == Tensor([[1, 0], [0, 3]]))
        #expect(relu.mask == [1, 0, 0, 1])
        #expect(relu.backward(Tensor([[10, 20], [30, 40]])) == Tensor([[10, 0], [0, 40]]))
    }

    @Test("ReLU keeps the mask of positive inputs and gates the gradient with it")
    func relu() {
        checkRelu(FastBackend())
        checkRelu(ReferenceBackend<Double>())
    }

    @Test("An inference pass does not overwrite the mask a training pass left for backward")
    func reluInferenceKeepsTrainingCache() {
        let relu = Relu(backend: ReferenceBackend<Float>())
        _ = relu.forward(Tensor([[1, -1]]), training: true)
        _ = relu.forward(Tensor([[-1, 1], [2, 2]]), training: false)
        #expect(relu.mask == [1, 0])
        #expect(relu.backward(Tensor([[5, 7]])) == Tensor([[5, 0]]))
    }

    // MARK: Sigmoid

    func checkSigmoid<Backend: KernelBackend>(_ backend: Backend, tolerance: Double) {
        let sigmoid = Sigmoid(backend: backend)
        let y = sigmoid.forward(Tensor<Backend.Scalar>([[0, 2, -2]]), training: true)
        let expected = [0.5, 0.8807970779778823, 0.11920292202211755]
        for (value, reference) in zip(y.scalars, expected) {
            #expect(Double(value).isApproximatelyEqual(to: reference, relativeTolerance: tolerance))
        }
        let dx = sigmoid.backward(Tensor([[1, 2, 3]]))
        for (i, reference) in expected.enumerated() {
            let derivative = Double(i + 1) * reference * (1 - reference)
            #expect(Double(dx.scalars[i]).isApproximatelyEqual(to: derivative, relativeTolerance: tolerance))
        }
    }

    @Test("Sigmoid's backward is dout * y * (1 - y) from its own output")
    func sigmoid() {
        checkSigmoid(FastBackend(), tolerance: 1e-6)
        checkSigmoid(ReferenceBackend<Double>(), tolerance: 1e-15)
    }

    // MARK: Affine

    func checkAffine<Backend: KernelBackend>(_ backend: Backend) {
        typealias T = Tensor<Backend.Scalar>
        let weights = T([[1, 2], [3, 4], [5, 6]])
        let affine = Affine(weights: weights, bias: T(shape: [2], scalars: [0.5, -1]), backend: backend)
        let x = T([[1, 0, -1], [2, 1, 0]])
        #expect(affine.forward(x, training: true) == T([[-3.5, -5], [5.5, 7]]))

        let dout = T([[1, -1], [2, 0.5]])
        // dx = dout · Wᵀ, dW = xᵀ · dout, db = column sums of dout.
        #expect(affine.backward(dout) == T([[-1, -1, -1], [3, 8, 13]]))
        #expect(affine.weightGradient == T([[5, 0], [2, 0.5], [-1, 1]]))
        #expect(affine.biasGradient == T(shape: [2], scalars: [3, -0.5]))
    }

    @Test("Affine computes x·W + b, and dx, dW and db (the column sums of dout)")
    func affine() {
        checkAffine(FastBackend())
        checkAffine(ReferenceBackend<Double>())
    }

    @Test("Affine flattens an input of any rank and returns dx in the input's shape")
    func affineOfRankFourInput() {
        let backend = ReferenceBackend<Double>()
        let images: Tensor<Double> = randomTensor(shape: [3, 1, 2, 2], seed: 1)
        let affine = Affine(weights: randomTensor(shape: [4, 5], seed: 2), bias: randomTensor(shape: [5], seed: 3),
                            backend: backend)
        let fromImages = affine.forward(images, training: true)
        let dx = affine.backward(Tensor(shape: [3, 5], repeating: 1))
        let dWFromImages = affine.weightGradient

        let flat = images.reshaped(to: [3, 4])
        #expect(affine.forward(flat, training: true) == fromImages)
        let dxFlat = affine.backward(Tensor(shape: [3, 5], repeating: 1))
        #expect(fromImages.shape == [3, 5])
        #expect(dx.shape == [3, 1, 2, 2])
        #expect(dx.scalars == dxFlat.scalars)
        #expect(affine.weightGradient == dWFromImages)
    }

    @Test("Affine's backward consumes the cached input: a second backward is a programmer error")
    func affineBackwardConsumesCache() async {
        await #expect(processExitsWith: .failure) {
            let affine = Affine(weights: Tensor<Float>([[1]]), bias: Tensor(shape: [1]), backend: FastBackend())
            _ = affine.forward(Tensor([[2]]), training: true)
            _ = affine.backward(Tensor([[1]]))
            _ = affine.backward(Tensor([[1]]))
        }
    }

    @Test("An inference forward pass keeps no input for backward")
    func affineInferenceKeepsNoCache() async {
        await #expect(processExitsWith: .failure) {
            let affine = Affine(weights: Tensor<Float>([[1]]), bias: Tensor(shape: [1]), backend: FastBackend())
            _ = affine.forward(Tensor([[2]]), training: false)
            _ = affine.backward(Tensor([[1]]))
        }
    }

    // MARK: Softmax with loss

    func checkSoftmaxWithLoss<Backend: KernelBackend>(_ backend: Backend, tolerance: Double) {
        // The book's softmax example, a = [0.3, 2.9, 4.0], twice with different labels.
        let layer = SoftmaxWithLoss(backend: backend)
        let x = Tensor<Backend.Scalar>([[0.3, 2.9, 4.0], [0.3, 2.9, 4.0]])
        let probabilities = [0.01821127329554753, 0.24519181293507392, 0.7365969137693786]
        let loss = layer.forward(x, targets: .labels([2, 0]))
        let expectedLoss = -(Double.log(probabilities[2]) + Double.log(probabilities[0])) / 2
        #expect(Double(loss).isApproximatelyEqual(to: expectedLoss, relativeTolerance: tolerance))
        for (value, reference) in zip(layer.output.scalars, probabilities + probabilities) {
            #expect(Double(value).isApproximatelyEqual(to: reference, relativeTolerance: tolerance))
        }
        let dx = layer.backward()
        let expected = [probabilities[0] / 2, probabilities[1] / 2, (probabilities[2] - 1) / 2,
                        (probabilities[0] - 1) / 2, probabilities[1] / 2, probabilities[2] / 2]
        for (value, reference) in zip(dx.scalars, expected) {
            #expect(Double(value).isApproximatelyEqual(to: reference, relativeTolerance: tolerance))
        }
    }

    @Test("SoftmaxWithLoss: the book's softmax example, the mean loss, and (y - t) / batch")
    func softmaxWithLoss() {
        checkSoftmaxWithLoss(FastBackend(), tolerance: 1e-6)
        checkSoftmaxWithLoss(ReferenceBackend<Double>(), tolerance: 1e-14)
    }

    @Test("One-hot targets and class indices give identical loss and gradient")
    func oneHotAndLabelsAgree() async {
        await propertyCheck(input: Gen.int(in: 1...6), Gen.int(in: 2...5), Gen.int(in: 0...1000)) { rows, classes, seed in
            let backend = FastBackend()
            let x: Tensor<Float> = randomTensor(shape: [rows, classes], standardDeviation: 3, seed: UInt64(seed))
            let labels = (0..<rows).map { Int32(($0 * 7 + seed) % classes) }
            var oneHot = Tensor<Float>(shape: [rows, classes])
            for (row, label) in labels.enumerated() { oneHot[row, Int(label)] = 1 }

            let withLabels = SoftmaxWithLoss(backend: backend)
            let withOneHot = SoftmaxWithLoss(backend: backend)
            let lossFromLabels = withLabels.forward(x, targets: .labels(labels))
            let lossFromOneHot = withOneHot.forward(x, targets: .oneHot(oneHot))
            #expect(lossFromLabels.isApproximatelyEqual(to: lossFromOneHot, relativeTolerance: 1e-6))
            #expect(withLabels.backward() == withOneHot.backward())
        }
    }

    @Test("Each row of the loss gradient sums to zero and the batch's gradient is 1/batch of each row's")
    func lossGradientRowsSumToZero() async {
        await propertyCheck(input: Gen.int(in: 1...8), Gen.int(in: 0...1000)) { rows, seed in
            let backend = ReferenceBackend<Double>()
            let x: Tensor<Double> = randomTensor(shape: [rows, 4], standardDeviation: 2, seed: UInt64(seed))
            let layer = SoftmaxWithLoss(backend: backend)
            _ = layer.forward(x, targets: .labels((0..<rows).map { Int32($0 % 4) }))
            let dx = layer.backward()
            for row in 0..<rows {
                let sum = (0..<4).reduce(0.0) { $0 + dx[row, $1] }
                #expect(abs(sum) < 1e-15)
                #expect(dx[row, row % 4] < 0)
                #expect(dx[row, row % 4] > -1 / Double(rows))
            }
        }
    }
}
