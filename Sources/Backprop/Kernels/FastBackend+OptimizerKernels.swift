import CKernels

// FastBackend's fused parameter updates (SGD, Momentum, Adam, Nesterov, AdaGrad, RMSprop): each a call into the C core.

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

    public func nesterovUpdate(learningRate: Float, momentum: Float, gradient: UnsafeBufferPointer<Float>,
                               velocity: UnsafeMutableBufferPointer<Float>,
                               parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_nesterov_update(parameter.count, learningRate, momentum, gradient.baseAddress,
                                 velocity.baseAddress, parameter.baseAddress),
              "ck_nesterov_update", "n \(parameter.count)")
    }

    public func adaGradUpdate(learningRate: Float, epsilon: Float, gradient: UnsafeBufferPointer<Float>,
                              squaredGradientSum: UnsafeMutableBufferPointer<Float>,
                              parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_adagrad_update(parameter.count, learningRate, epsilon, gradient.baseAddress,
                                squaredGradientSum.baseAddress, parameter.baseAddress),
              "ck_adagrad_update", "n \(parameter.count)")
    }

    public func rmspropUpdate(learningRate: Float, decay: Float, epsilon: Float, gradient: UnsafeBufferPointer<Float>,
                              squaredGradientAverage: UnsafeMutableBufferPointer<Float>,
                              parameter: UnsafeMutableBufferPointer<Float>) {
        check(ck_rmsprop_update(parameter.count, learningRate, decay, epsilon, gradient.baseAddress,
                                squaredGradientAverage.baseAddress, parameter.baseAddress),
              "ck_rmsprop_update", "n \(parameter.count)")
    }
}
