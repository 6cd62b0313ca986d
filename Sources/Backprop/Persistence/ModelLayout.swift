/// How a model file names and stores the parameters of a fully connected network.
///
/// ``ModelFile`` reads both layouts (and Backprop's own files, which use the first) and
/// writes either, so a network moves between Backprop, numpy and PyTorch without a script.
public enum ModelLayout: String, Sendable, CaseIterable {
    /// The book's names `W1 b1 … Wn bn`, weights `[inputs, outputs]` so that a layer computes
    /// `x·W + b`. Backprop writes this layout with its architecture in the metadata; files
    /// without metadata (numpy's `save_file({"W1": …})`) are read too, their architecture
    /// inferred from the shapes.
    case backprop
    /// A PyTorch `nn.Sequential` state dict of `nn.Linear` layers: `<i>.weight`
    /// `[outputs, inputs]` and `<i>.bias`, with the activations between them at the odd
    /// indices (`0.weight`, `2.weight`, …). Read with other prefixes too (`net.0.weight`,
    /// `fc1.weight`, `fc2.weight`, …) when the names differ only in a number that orders them.
    /// Weights are transposed on load and on save.
    case torch

    /// One line listing the layouts a file may have, for the message of a file that has none.
    static let acceptedDescription = "Backprop's own files; the book's names W1 b1 ... Wn bn "
        + "(weights [inputs, outputs]); or a PyTorch nn.Sequential state dict of Linear layers "
        + "(0.weight [outputs, inputs], 0.bias, 2.weight, ..., or prefixes such as net.0.weight or fc1.weight, fc2.weight)"
}
