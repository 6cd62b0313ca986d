/// The version of this package, kept here and nowhere else: `backprop --version` prints it,
/// and a program that depends on Backprop can log which release it runs.
public enum BackpropVersion {
    /// The release this source tree is, in semantic-versioning form (`major.minor.patch`);
    /// raise it together with the release tag.
    public static let current = "0.1.0"
}
