import RealModule

// ReferenceBackend's fused parameter updates (SGD, Momentum, Adam): as plain loops, the definition the C core is tested against.

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
}
