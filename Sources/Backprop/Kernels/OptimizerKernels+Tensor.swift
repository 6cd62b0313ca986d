// Tensor-level operations, written once for every backend: they check shapes (a mismatch is a
// programmer error and stops with a message naming the shapes), size the output buffer
// (which allocates only when its element count changes) and call the buffer-level kernel.

extension OptimizerKernels {
    /// parameter -= learningRate * gradient.
    public func sgdUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>, learningRate: Scalar) {
        Self.checkSameShape(parameter, gradient, "sgdUpdate")
        gradient.withUnsafeBufferPointer { pg in
            parameter.withUnsafeMutableBufferPointer { sgdUpdate(learningRate: learningRate, gradient: pg, parameter: $0) }
        }
    }

    /// velocity = momentum * velocity - learningRate * gradient; parameter += velocity.
    public func momentumUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                               velocity: inout Tensor<Scalar>, learningRate: Scalar, momentum: Scalar) {
        Self.checkSameShape(parameter, gradient, "momentumUpdate")
        Self.checkSameShape(parameter, velocity, "momentumUpdate (velocity)")
        gradient.withUnsafeBufferPointer { pg in
            velocity.withUnsafeMutableBufferPointer { pv in
                parameter.withUnsafeMutableBufferPointer {
                    momentumUpdate(learningRate: learningRate, momentum: momentum, gradient: pg, velocity: pv, parameter: $0)
                }
            }
        }
    }

    /// One Adam step with the bias-corrected learning rate (see ``Adam``).
    public func adamUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                           firstMoment: inout Tensor<Scalar>, secondMoment: inout Tensor<Scalar>,
                           correctedLearningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar) {
        Self.checkSameShape(parameter, gradient, "adamUpdate")
        Self.checkSameShape(parameter, firstMoment, "adamUpdate (first moment)")
        Self.checkSameShape(parameter, secondMoment, "adamUpdate (second moment)")
        gradient.withUnsafeBufferPointer { pg in
            firstMoment.withUnsafeMutableBufferPointer { pm in
                secondMoment.withUnsafeMutableBufferPointer { pv in
                    parameter.withUnsafeMutableBufferPointer {
                        adamUpdate(correctedLearningRate: correctedLearningRate, beta1: beta1, beta2: beta2,
                                   epsilon: epsilon, gradient: pg, firstMoment: pm, secondMoment: pv, parameter: $0)
                    }
                }
            }
        }
    }

    /// One step of Nesterov's accelerated gradient (see ``Nesterov``).
    public func nesterovUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                               velocity: inout Tensor<Scalar>, learningRate: Scalar, momentum: Scalar) {
        Self.checkSameShape(parameter, gradient, "nesterovUpdate")
        Self.checkSameShape(parameter, velocity, "nesterovUpdate (velocity)")
        gradient.withUnsafeBufferPointer { pg in
            velocity.withUnsafeMutableBufferPointer { pv in
                parameter.withUnsafeMutableBufferPointer {
                    nesterovUpdate(learningRate: learningRate, momentum: momentum, gradient: pg, velocity: pv, parameter: $0)
                }
            }
        }
    }

    /// One AdaGrad step: squaredGradientSum += g²; parameter -= learningRate · g / (sqrt(sum) + epsilon).
    public func adaGradUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                              squaredGradientSum: inout Tensor<Scalar>, learningRate: Scalar, epsilon: Scalar) {
        Self.checkSameShape(parameter, gradient, "adaGradUpdate")
        Self.checkSameShape(parameter, squaredGradientSum, "adaGradUpdate (squared gradient sum)")
        gradient.withUnsafeBufferPointer { pg in
            squaredGradientSum.withUnsafeMutableBufferPointer { ph in
                parameter.withUnsafeMutableBufferPointer {
                    adaGradUpdate(learningRate: learningRate, epsilon: epsilon, gradient: pg,
                                  squaredGradientSum: ph, parameter: $0)
                }
            }
        }
    }

    /// One RMSprop step: average = decay · average + (1 - decay) · g²;
    /// parameter -= learningRate · g / (sqrt(average) + epsilon).
    public func rmspropUpdate(_ parameter: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                              squaredGradientAverage: inout Tensor<Scalar>, learningRate: Scalar,
                              decay: Scalar, epsilon: Scalar) {
        Self.checkSameShape(parameter, gradient, "rmspropUpdate")
        Self.checkSameShape(parameter, squaredGradientAverage, "rmspropUpdate (squared gradient average)")
        gradient.withUnsafeBufferPointer { pg in
            squaredGradientAverage.withUnsafeMutableBufferPointer { ph in
                parameter.withUnsafeMutableBufferPointer {
                    rmspropUpdate(learningRate: learningRate, decay: decay, epsilon: epsilon, gradient: pg,
                                  squaredGradientAverage: ph, parameter: $0)
                }
            }
        }
    }

    private static func checkSameShape(_ p: Tensor<Scalar>, _ g: Tensor<Scalar>, _ what: String) {
        precondition(p.shape == g.shape, "\(what): parameter is \(p.shapeDescription) but the other operand is \(g.shapeDescription)")
    }
}
