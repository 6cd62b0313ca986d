/// A layer with trainable parameters (an affine layer's W and b): what a network gathers into
/// its ``ParameterList`` for the optimizer, model files and the gradient check.
///
/// Parameters are numbered from 0 in the layer's own order (W before b). After a backward
/// pass each has a gradient of the same shape.
public protocol ParameterizedLayer<Backend>: Layer {
    /// The short names of the parameters, in order ("W", "b"); a network numbers them by
    /// layer to get the book's names W1, b1, W2, ….
    var parameterStems: [String] { get }

    /// What each parameter is to rules such as weight decay, in the order of ``parameterStems``.
    var parameterRoles: [ParameterRole] { get }

    /// Parameter `index` (in 0 ..< parameterStems.count).
    func parameter(_ index: Int) -> Tensor<Backend.Scalar>

    /// dL/d(parameter `index`) from the last backward pass.
    func gradient(ofParameter index: Int) -> Tensor<Backend.Scalar>

    /// Calls `body` with parameter `index` to change in place and its gradient: how an
    /// optimizer steps without copying the parameter. `body` must keep the shape.
    func updateParameter(_ index: Int, _ body: (inout Tensor<Backend.Scalar>, Tensor<Backend.Scalar>) -> Void)

    /// Calls `body` with the gradient of parameter `index` to change in place: how a
    /// data-parallel step replaces a process's gradient by the sum over all processes.
    /// `body` must keep the shape.
    func updateGradient(_ index: Int, _ body: (inout Tensor<Backend.Scalar>) -> Void)
}
