import CKernels

// FastBackend's fused parameter updates (SGD, Momentum, Adam): each a call into the C core.

extension FastBackend: OptimizerKernels {
    public func sgdUpdate(learningRate: Float, gradient: UnsafeBufferPointer<Float>,
                          parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_sgd_update(parameter.count, learningRate, gradient.baseAddress, parameter.baseAddress),
              "ck_sgd_update", "n \(parameter.count)")
    }

    public func momentumUpdate(learningRate: Float, momentum: Float, gradient: UnsafeBufferPointer<Float>,
                               velocity: UnsafeMutableBufferPointer<Float>,
                               parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_momentum_update(parameter.count, learningRate, momentum, gradient.baseAddress,
                                 velocity.baseAddress, parameter.baseAddress),
              "ck_momentum_update", "n \(parameter.count)")
    }

    public func adamUpdate(correctedLearningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
                           gradient: UnsafeBufferPointer<Float>,
                           firstMoment: UnsafeMutableBufferPointer<Float>,
                           secondMoment: UnsafeMutableBufferPointer<Float>,
                           parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_adam_update(parameter.count, correctedLearningRate, beta1, beta2, epsilon, gradient.baseAddress,
                             firstMoment.baseAddress, secondMoment.baseAddress, parameter.baseAddress),
              "ck_adam_update", "n \(parameter.count)")
    }
}
