// Predictions as a user wants them: class probabilities and the class itself, for a batch
// or one sample, without writing softmax and argmax by hand.

extension MultiLayerNet {
    /// The probability of each class for each row of x, `[rows, outputSize]`: the output
    /// activation of the scores (``Loss/activate(_:into:)``), the softmax of the scores for the book's ``SoftmaxWithLoss`` (each row then sums to 1
    /// up to rounding), independent sigmoid values for a sigmoid output layer.
    ///
    /// Like every inference method this uses buffers the network owns: a network is not safe
    /// to use from two threads at once. To predict in parallel, give each thread or task its
    /// own ``copy()``; copies share nothing that changes.
    public func probabilities(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        var result = Tensor<Scalar>(shape: [0])
        lossLayer.activate(predict(x), into: &result)
        return result
    }

    /// The outputs (the output activation of the scores) for each row of x, `[rows, outputSize]`,
    /// computed `chunkSize` rows at a time so that memory stays bounded: for a regression
    /// network (``OutputLayer/identity``) the predicted values, for a classifier its
    /// `probabilities(_:)`.
    public func predictions(_ x: Tensor<Scalar>, chunkSize: Int = 10_000) -> Tensor<Scalar> {
        precondition(chunkSize > 0, "predictions: chunk size must be positive, got \(chunkSize)")
        guard x.rows > chunkSize else { return probabilities(x) }
        var result: [Scalar] = []
        result.reserveCapacity(x.rows * outputSize)
        var output = Tensor<Scalar>(shape: [0])
        for start in stride(from: 0, to: x.rows, by: chunkSize) {
            lossLayer.activate(scores(x, rows: start..<min(start + chunkSize, x.rows), training: false), into: &output)
            result.append(contentsOf: output.scalars)
        }
        return Tensor(shape: [x.rows, outputSize], scalars: result)
    }

    /// The probability of each class for one sample of ``inputSize`` features.
    public func probabilities(_ sample: [Scalar]) -> [Scalar] {
        probabilities(sampleTensor(sample)).scalars
    }

    /// The predicted class of each row of x: the index of its highest score (the first of
    /// equal ones, like `np.argmax`). A row whose scores are all NaN gets class 0.
    public func classify(_ x: Tensor<Scalar>) -> [Int] {
        let scores = predict(x)
        return scores.withUnsafeBufferPointer { rowMaxima($0, rows: scores.rows, columns: scores.columns) }
    }

    /// The predicted class of one sample of ``inputSize`` features.
    public func classify(_ sample: [Scalar]) -> Int {
        classify(sampleTensor(sample))[0]
    }

    /// A new network with the same architecture, output layer and bitwise the same
    /// parameters and buffers, sharing no buffers with this one: what each thread needs to run
    /// inference in parallel. The network must end in one of the library's output layers (``output``).
    public func copy() -> MultiLayerNet<Backend> {
        guard let output else {
            preconditionFailure("MultiLayerNet.copy: cannot copy a network closed by \(type(of: lossLayer))")
        }
        let classTargets = (lossLayer as? SigmoidWithLoss<Backend>)?.classTargets ?? 0...1
        do {
            let copy = try MultiLayerNet(architectureOf: spec, inputShape: inputShape,
                                         loss: output.makeLoss(backend: backend, classTargets: classTargets),
                                         backend: backend)
            try copy.load(state: state)
            return copy
        } catch {
            preconditionFailure("MultiLayerNet.copy: the network does not rebuild from its own spec: \(error)")
        }
    }

    private func sampleTensor(_ sample: [Scalar]) -> Tensor<Scalar> {
        precondition(sample.count == inputSize,
                     "MultiLayerNet: the sample has \(sample.count) features but the network takes \(inputSize)")
        return Tensor(shape: [1, sample.count], scalars: sample)
    }
}

/// The index of each row's largest element (the first on ties), pre-specialized like
/// ``countRowsWithMaximumAtLabel(_:classes:labels:)`` for client modules.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func rowMaxima<Scalar: BinaryFloatingPoint>(_ scores: UnsafeBufferPointer<Scalar>, rows: Int, columns: Int) -> [Int] {
    (0..<rows).map { row in indexOfRowMaximum(scores, row: row, columns: columns) }
}
