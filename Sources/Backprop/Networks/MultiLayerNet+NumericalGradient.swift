extension MultiLayerNet {
    /// The gradients of the loss on (x, targets) by central differences, named like
    /// ``parameters`` (the book's `numerical_gradient`, section 4.4.1):
    /// dL/dp ≈ (L(p + h) - L(p - h)) / 2h, one parameter element at a time, on training-mode
    /// passes as the book's `loss(x, t, train_flg=True)` (batch statistics; dropout repeating
    /// the draws of the last training pass).
    ///
    /// The step h is 1e-4 in Float (the book's) and 1e-6 in Double: the error of a central
    /// difference is about h²·|f'''| from truncation plus ulp(loss)/h from rounding, and 1e-6
    /// keeps both near 1e-12 in Double, where 1e-4 would leave the truncation at 1e-8 and let
    /// more differences straddle a ReLU's kink. In Float the rounding limits the accuracy to
    /// roughly ulp(loss) / 2h ≈ 1e-3; use Double for a tight check.
    ///
    /// Two loss evaluations per parameter element make this far too slow for training; it
    /// exists to check ``gradient(_:targets:)``. Batch normalization's running statistics are
    /// restored afterwards.
    public func numericalGradient(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> [(name: String, tensor: Tensor<Scalar>)] {
        numericalGradientReport(x, targets: targets).map { ($0.name, $0.gradient) }
    }

    /// The step of a central difference in this precision (see ``numericalGradient(_:targets:)``).
    static var numericalStep: Scalar { Scalar.significandBitCount > 30 ? 1e-6 : 1e-4 }

    /// The numerical gradient of every parameter, with each element flagged where one of the
    /// two perturbed passes put some unit of a ``PiecewiseLayer`` on another piece than the
    /// unperturbed pass did: there the difference quotient spans a kink and is no gradient.
    func numericalGradientReport(_ x: Tensor<Scalar>, targets: Targets<Scalar>)
        -> [(name: String, gradient: Tensor<Scalar>, crossesKink: [Bool])]
    {
        let saved = state
        freezeRandomDraws(true)
        defer {
            freezeRandomDraws(false)
            do {
                try load(state: saved)
            } catch {
                preconditionFailure("numericalGradient: the network no longer takes its own state: \(error)")
            }
        }
        let piecewise = layers.compactMap { $0 as? any PiecewiseLayer<Backend> }
        let pieces = { piecewise.flatMap(\.activePieces) }
        _ = trainingLoss(x, targets: targets)
        let reference = pieces()
        let h = Self.numericalStep
        return (0..<parameterList.count).map { slot in
            var gradient = Tensor<Scalar>(shape: parameterList.value(at: slot).shape)
            var crossesKink = Array(repeating: false, count: gradient.count)
            // Each change is its own short in-place access: the loss reads the parameter too.
            func set(_ i: Int, _ value: Scalar) {
                parameterList.update(slot) { parameter, _ in parameter[flat: i] = value }
            }
            for i in 0..<gradient.count {
                let original = parameterList.value(at: slot)[flat: i]
                set(i, original + h)
                let lossPlus = trainingLoss(x, targets: targets)
                var crossed = !piecewise.isEmpty && pieces() != reference
                set(i, original - h)
                let lossMinus = trainingLoss(x, targets: targets)
                crossed = crossed || (!piecewise.isEmpty && pieces() != reference)
                set(i, original)
                gradient[flat: i] = (lossPlus - lossMinus) / (2 * h)
                crossesKink[i] = crossed
            }
            return (parameterList.names[slot], gradient, crossesKink)
        }
    }
}
