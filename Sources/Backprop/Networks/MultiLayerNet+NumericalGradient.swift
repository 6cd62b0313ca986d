extension MultiLayerNet {
    /// The gradients of the loss on (x, targets) by central differences, named like
    /// ``parameters`` (the book's `numerical_gradient`, section 4.4.1):
    /// dL/dp ≈ (L(p + h) - L(p - h)) / 2h with h = 1e-4, one parameter element at a time.
    ///
    /// Two loss evaluations per parameter element make this far too slow for training; it
    /// exists to check ``gradient(_:targets:)``. In Float, the rounding of the loss limits its
    /// accuracy to roughly ulp(loss) / 2h ≈ 1e-3; use Double for a tight check.
    public func numericalGradient(_ x: Tensor<Scalar>, targets: Targets<Scalar>) -> [(name: String, tensor: Tensor<Scalar>)] {
        (0..<parameterList.count).map { slot in
            (parameterList.names[slot], numericalGradient(ofSlot: slot, x, targets))
        }
    }

    private func numericalGradient(ofSlot slot: Int, _ x: Tensor<Scalar>, _ targets: Targets<Scalar>) -> Tensor<Scalar> {
        let h = Scalar(1e-4)
        var gradient = Tensor<Scalar>(shape: parameterList.value(at: slot).shape)
        // Each change is its own short in-place access: the loss reads the parameter too.
        func set(_ i: Int, _ value: Scalar) {
            parameterList.update(slot) { parameter, _ in parameter[flat: i] = value }
        }
        for i in 0..<gradient.count {
            let original = parameterList.value(at: slot)[flat: i]
            set(i, original + h)
            let lossPlus = loss(x, targets: targets)
            set(i, original - h)
            let lossMinus = loss(x, targets: targets)
            set(i, original)
            gradient[flat: i] = (lossPlus - lossMinus) / (2 * h)
        }
        return gradient
    }
}
