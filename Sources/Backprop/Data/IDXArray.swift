/// An array of unsigned bytes read from an IDX file: its shape and its elements in row-major
/// order (for MNIST images `[count, rows, columns]`, for labels `[count]`).
public struct IDXArray: Sendable {
    /// The file the array was read from, for error messages.
    public let source: String
    /// The size of each dimension, as the header states it.
    public let shape: [Int]
    /// The whole file; the elements start at `elementOffset`. Keeping the file instead of
    /// copying the elements out saves a pass over the 47 MB of MNIST's training images.
    private let file: [UInt8]
    private let elementOffset: Int

    /// Wraps a file whose header the reader has validated: `file` holds exactly the header
    /// (`elementOffset` bytes) and the elements of `shape`.
    init(source: String, shape: [Int], file: [UInt8], elementOffset: Int) {
        precondition(file.count - elementOffset == shape.reduce(1, *),
                     "IDXArray: \(file.count - elementOffset) element bytes for shape \(shape)")
        self.source = source
        self.shape = shape
        self.file = file
        self.elementOffset = elementOffset
    }

    /// The number of elements.
    public var count: Int { file.count - elementOffset }

    /// Calls `body` with the elements in row-major order, without copying.
    public func withUnsafeElements<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try file.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[elementOffset...]))
        }
    }

    /// The elements as a new array.
    public var elements: [UInt8] { Array(file[elementOffset...]) }
}
