extension Tensor {
    /// `other` in this tensor's precision, sharing its storage when the precision is the same:
    /// converting a 60000-row Float dataset for a Float backend must not copy 190 MB.
    static func converting<Other>(_ other: Tensor<Other>) -> Tensor<Scalar> {
        (other as? Tensor<Scalar>) ?? Tensor(other)
    }
}
