import Backprop
import Numerics
import Testing
import TestSupport

@Suite("Optimizers (book 6.1)")
struct OptimizerTests {
    /// Runs `steps` steps of `optimizer` on one parameter with a fixed gradient, as a network would.
    func run<Method: Optimizer, Backend: KernelBackend>(
        _ optimizer: inout Method, steps: Int, from start: [Double], gradient: [Double], backend: Backend
    ) -> [Double] where Method.Scalar == Backend.Scalar {
        var parameter = Tensor<Backend.Scalar>(shape: [start.count], scalars: start.map { Backend.Scalar($0) })
        let g = Tensor<Backend.Scalar>(shape: [gradient.count], scalars: gradient.map { Backend.Scalar($0) })
        for _ in 0..<steps {
            optimizer.beginStep()
            optimizer.update(&parameter, gradient: g, slot: 0, backend: backend)
        }
        return parameter.scalars.map(Double.init)
    }

    let start = [1.0, -2.0, 0.5]
    let gradient = [0.5, 0.25, -4.0]

    func expectClose(_ actual: [Double], _ expected: [Double], _ tolerance: Double) {
        for (a, e) in zip(actual, expected) {
            #expect(a.isApproximatelyEqual(to: e, relativeTolerance: tolerance), "\(a) vs \(e)")
        }
    }

    @Test("SGD: p -= lr * g")
    func sgd() {
        let expected = zip(start, gradient).map { $0 - 3 * 0.1 * $1 }
        var double = SGD<Double>(learningRate: 0.1)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-15)
        var float = SGD<Float>(learningRate: 0.1)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
    }

    @Test("Momentum: the velocity accumulates, so three equal gradients move p by lr·g·(1 + 1.9 + 2.71)")
    func momentum() {
        // v1 = -lr g, v2 = 0.9 v1 - lr g = -1.9 lr g, v3 = 0.9 v2 - lr g = -2.71 lr g.
        let expected = zip(start, gradient).map { $0 - 0.1 * $1 * (1 + 1.9 + 2.71) }
        var double = Momentum<Double>(learningRate: 0.1, momentum: 0.9)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-14)
        var float = Momentum<Float>(learningRate: 0.1)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
    }

    @Test("Adam follows the book's update with its bias-corrected step size")
    func adam() {
        let (lr, beta1, beta2, epsilon) = (0.01, 0.9, 0.999, 1e-7)
        var expected = start
        var m = [0.0, 0.0, 0.0]
        var v = [0.0, 0.0, 0.0]
        for t in 1...3 {
            let lrT = lr * (1 - Double.pow(beta2, t)).squareRoot() / (1 - Double.pow(beta1, t))
            for i in 0..<3 {
                m[i] += (1 - beta1) * (gradient[i] - m[i])
                v[i] += (1 - beta2) * (gradient[i] * gradient[i] - v[i])
                expected[i] -= lrT * m[i] / (v[i].squareRoot() + epsilon)
            }
        }
        // With a constant gradient Adam moves every parameter by about lr per step, whatever g's size.
        for i in 0..<3 {
            #expect(abs(abs(expected[i] - start[i]) - 3 * lr) < 1e-6)
        }
        var double = Adam<Double>(learningRate: lr)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-14)
        #expect(double.step == 3)
        var float = Adam<Float>(learningRate: lr)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
    }

    @Test("Nesterov follows the book's four statements (after its 2021 fix), from zero velocity")
    func nesterov() {
        let (lr, mu) = (0.1, 0.9)
        var expected = start
        var v = [0.0, 0.0, 0.0]
        for _ in 1...3 {
            for i in 0..<3 {
                expected[i] += mu * mu * v[i]
                expected[i] -= (1 + mu) * lr * gradient[i]
                v[i] *= mu
                v[i] -= lr * gradient[i]
            }
        }
        // The first step moves by (1 + momentum) · lr · g: Nesterov looks one velocity ahead.
        var once = Nesterov<Double>(learningRate: lr)
        expectClose(run(&once, steps: 1, from: start, gradient: gradient, backend: ReferenceBackend<Double>()),
                    zip(start, gradient).map { $0 - 1.9 * lr * $1 }, 1e-15)
        var double = Nesterov<Double>(learningRate: lr, momentum: mu)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-14)
        var float = Nesterov<Float>(learningRate: lr)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
        #expect(Nesterov<Float>().learningRate == 0.01 && Nesterov<Float>().momentum == 0.9)
    }

    @Test("AdaGrad: h += g²; p -= lr · g / (sqrt(h) + 1e-7), so a constant gradient moves p by lr · (1 + 1/√2 + 1/√3)")
    func adaGrad() {
        let lr = 0.1
        var expected = start
        var h = [0.0, 0.0, 0.0]
        for _ in 1...3 {
            for i in 0..<3 {
                h[i] += gradient[i] * gradient[i]
                expected[i] -= lr * gradient[i] / (h[i].squareRoot() + 1e-7)
            }
        }
        for i in 0..<3 {
            let sign: Double = gradient[i] > 0 ? 1 : -1
            #expect(abs(start[i] - expected[i] - sign * lr * (1 + 1 / 2.0.squareRoot() + 1 / 3.0.squareRoot())) < 1e-6)
        }
        var double = AdaGrad<Double>(learningRate: lr)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-14)
        var float = AdaGrad<Float>(learningRate: lr)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
        #expect(AdaGrad<Float>().learningRate == 0.01 && AdaGrad<Float>().epsilon == 1e-7)
    }

    @Test("RMSprop: h = 0.99 h + 0.01 g²; p -= lr · g / (sqrt(h) + 1e-7)")
    func rmsprop() {
        let (lr, decay) = (0.01, 0.99)
        var expected = start
        var h = [0.0, 0.0, 0.0]
        for _ in 1...3 {
            for i in 0..<3 {
                h[i] *= decay
                h[i] += (1 - decay) * gradient[i] * gradient[i]
                expected[i] -= lr * gradient[i] / (h[i].squareRoot() + 1e-7)
            }
        }
        // The first step is lr · g / (0.1 |g|) = 10 lr in g's direction, whatever g's size.
        var once = RMSprop<Double>(learningRate: lr)
        let first = run(&once, steps: 1, from: start, gradient: gradient, backend: ReferenceBackend<Double>())
        for i in 0..<3 { #expect(abs(abs(first[i] - start[i]) - 10 * lr) < 1e-6) }
        var double = RMSprop<Double>(learningRate: lr, decay: decay)
        expectClose(run(&double, steps: 3, from: start, gradient: gradient, backend: ReferenceBackend<Double>()), expected, 1e-14)
        var float = RMSprop<Float>(learningRate: lr)
        expectClose(run(&float, steps: 3, from: start, gradient: gradient, backend: FastBackend()), expected, 1e-6)
        #expect(RMSprop<Float>().learningRate == 0.01 && RMSprop<Float>().decay == 0.99)
    }

    @Test("Stateful optimizers keep separate state per slot")
    func statePerSlot() {
        var momentum = Momentum<Double>(learningRate: 1, momentum: 0.5)
        let backend = ReferenceBackend<Double>()
        var a = Tensor<Double>(shape: [1], scalars: [0])
        var b = Tensor<Double>(shape: [2], scalars: [0, 0])
        for _ in 0..<2 {
            momentum.update(&a, gradient: Tensor(shape: [1], scalars: [1]), slot: 0, backend: backend)
            momentum.update(&b, gradient: Tensor(shape: [2], scalars: [-2, 4]), slot: 1, backend: backend)
        }
        // Velocities -1 then -1.5 for a; -(-2) then 1.5·2 for b's first element.
        #expect(a.scalars == [-2.5])
        #expect(b.scalars == [5, -10])
    }

    @Test("A network step applies the optimizer to every parameter with its gradient")
    func networkUpdate() {
        let backend = ReferenceBackend<Double>()
        let network = MultiLayerNet(inputSize: 4, hiddenSizes: [3], outputSize: 2, backend: backend, seed: 1)
        let data = unitIntervalDataset(count: 5, features: 4, classes: 2, seed: 2)
        let before = network.parameters
        let gradients = network.gradient(Tensor(data.inputs), targets: .labels(data.labels))
            .map { (name: $0.name, tensor: Tensor<Double>(shape: $0.tensor.shape, scalars: $0.tensor.scalars)) }
        var sgd = SGD<Double>(learningRate: 0.5)
        sgd.step(network.parameterList)
        for ((name, after), (old, gradient)) in zip(network.parameters, zip(before, gradients)) {
            #expect(name == old.name && name == gradient.name)
            let expected = zip(old.tensor.scalars, gradient.tensor.scalars).map { $0 - 0.5 * $1 }
            #expect(after.scalars == expected, "\(name)")
        }
    }
}
