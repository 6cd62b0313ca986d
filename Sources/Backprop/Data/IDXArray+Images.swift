extension IDXArray {
    /// The array as images, one flattened image per row: `[count, product of the other
    /// dimensions]` (MNIST's `[60000, 28, 28]` gives 60000 x 784). With `normalize`, pixels
    /// are scaled from `0...255` to `0...1`, as the book's `load_mnist(normalize=True)` does.
    ///
    /// The pixels live in memory backed by huge pages where the system offers them: training
    /// gathers random rows, and with 4 KiB pages each of them costs a page walk.
    public func images(normalize: Bool = true) -> Tensor<Float> {
        let count = shape.first ?? 0
        let pixelsPerImage = shape.dropFirst().reduce(1, *)
        let pixels = withUnsafeElements { bytes in
            [Float].hugePageBacked(count: bytes.count) { floats in
                // Divide rather than multiply by 1/255 so that the values equal NumPy's
                // `x.astype(np.float32) / 255` bit for bit.
                if normalize {
                    for i in 0 ..< bytes.count { floats[i] = Float(bytes[i]) / 255 }
                } else {
                    for i in 0 ..< bytes.count { floats[i] = Float(bytes[i]) }
                }
            }
        }
        return Tensor(shape: [count, pixelsPerImage], scalars: pixels)
    }
}
