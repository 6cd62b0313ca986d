// Not `BackpropVersion`: the symbol graph, and so the documentation, leaves out a symbol named
// `<Module>Version`, taking it for the version constant of an Apple framework header.

/// The version of Backprop, kept here and nowhere else: `backprop --version` prints it,
/// and a program that depends on Backprop can log which release it runs.
public enum PackageVersion {
    /// The release this source tree is, in semantic-versioning form (`major.minor.patch`);
    /// raise it together with the release tag.
    public static let current = "0.1.0"
}
