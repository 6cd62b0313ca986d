import RealModule

// ReferenceBackend's fused parameter updates (SGD, Momentum, Adam, Nesterov, AdaGrad, RMSprop): as plain loops, the definition the C core is tested against.

extension ReferenceBackend: OptimizerKernels {
    public func sgdUpdate(learningRate: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                          parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            parameter[i] -= learningRate * gradient[i]
        }
    }

    public func momentumUpdate(learningRate: Scalar, momentum: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                               velocity: UnsafeMutableBufferPointer<Scalar>,
                               parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            velocity[i] = momentum * velocity[i] - learningRate * gradient[i]
            parameter[i] += velocity[i]
        }
    }

    public func adamUpdate(correctedLearningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar,
                           gradient: UnsafeBufferPointer<Scalar>,
                           firstMoment: UnsafeMutableBufferPointer<Scalar>,
                           secondMoment: UnsafeMutableBufferPointer<Scalar>,
                           parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            let g = gradient[i]
            firstMoment[i] += (1 - beta1) * (g - firstMoment[i])
            secondMoment[i] += (1 - beta2) * (g * g - secondMoment[i])
            parameter[i] -= correctedLearningRate * firstMoment[i] / (secondMoment[i].squareRoot() + epsilon)
        }
    }

    public func nesterovUpdate(learningRate: Scalar, momentum: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                               velocity: UnsafeMutableBufferPointer<Scalar>,
                               parameter: UnsafeMutableBufferPointer<Scalar>) {
        // The book's four statements, with its two coefficients rounded once per call as numpy does.
        let carried = momentum * momentum, step = (1 + momentum) * learningRate
        for i in 0..<parameter.count {
            parameter[i] += carried * velocity[i]
            parameter[i] -= step * gradient[i]
            velocity[i] *= momentum
            velocity[i] -= learningRate * gradient[i]
        }
    }

    public func adaGradUpdate(learningRate: Scalar, epsilon: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                              squaredGradientSum: UnsafeMutableBufferPointer<Scalar>,
                              parameter: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<parameter.count {
            squaredGradientSum[i] += gradient[i] * gradient[i]
            parameter[i] -= learningRate * gradient[i] / (squaredGradientSum[i].squareRoot() + epsilon)
        }
    }

    public func rmspropUpdate(learningRate: Scalar, decay: Scalar, epsilon: Scalar, gradient: UnsafeBufferPointer<Scalar>,
                              squaredGradientAverage: UnsafeMutableBufferPointer<Scalar>,
                              parameter: UnsafeMutableBufferPointer<Scalar>) {
        let incoming = 1 - decay
        for i in 0..<parameter.count {
            squaredGradientAverage[i] *= decay
            squaredGradientAverage[i] += incoming * gradient[i] * gradient[i]
            parameter[i] -= learningRate * gradient[i] / (squaredGradientAverage[i].squareRoot() + epsilon)
        }
    }
}
