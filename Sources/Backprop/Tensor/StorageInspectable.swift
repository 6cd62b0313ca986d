/// A type that owns buffers a training step reuses and can say where their storage lives.
///
/// The promise that a training step does not allocate once its buffers have their sizes is
/// easy to break silently: one extra reference to a buffer and copy-on-write copies it on the
/// next write. Tests hold the library to the promise by comparing these addresses across
/// training steps; a changed address means a buffer was reallocated. Inference buffers are
/// not listed: evaluation may resize them (a last, shorter chunk), and that is allowed.
protocol StorageInspectable {
    /// The base address of every buffer a training step uses, in a fixed order.
    var storageAddresses: [UnsafeRawPointer?] { get }
}

extension Tensor {
    /// The base address of the elements' storage.
    var storageAddress: UnsafeRawPointer? {
        withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}

extension Array {
    /// The base address of the elements' storage.
    var storageAddress: UnsafeRawPointer? {
        withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}
