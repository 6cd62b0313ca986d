/// A dense, row-major array of numbers with a shape: the one data type every layer,
/// kernel and data loader in Backprop exchanges.
///
/// Kernels see every tensor as a matrix: the first dimension is the rows and the trailing
/// dimensions are flattened into the columns (`[100, 1, 28, 28]` is 100 x 784). A rank-1
/// tensor is one row, so a bias of shape `[n]` is a 1 x n matrix. This is exactly the view
/// the book's `Affine` layer takes when it reshapes its input.
///
/// `Tensor` is a value type with copy-on-write storage. Writing into a tensor whose storage
/// is shared copies it first; the layers keep their own output buffers and reuse them, so a
/// training step does not allocate once the buffers exist.
public struct Tensor<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// The extent of each dimension; the product is `scalars.count`.
    public private(set) var shape: [Int]
    /// The elements in row-major order. Write through the subscripts or
    /// `withUnsafeMutableBufferPointer`, which keep the count equal to the shape's.
    public private(set) var scalars: [Scalar]

    /// A tensor of the given shape with every element equal to `value`.
    public init(shape: [Int], repeating value: Scalar = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.shape = shape
        let count = shape.reduce(1, *)
        self.scalars = value == 0 && value.sign == .plus ? Self.zeros(count: count) : Array(repeating: value, count: count)
    }

    /// `count` zeros, written as bytes: generic code that runs unspecialized (a network of a
    /// client's backend type) would otherwise copy each element through a value witness.
    /// All-zero bits are +0 in every IEEE binary format; other scalar types take the slow path.
    private static func zeros(count: Int) -> [Scalar] {
        guard _isPOD(Scalar.self) else { return Array(repeating: 0, count: count) }
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            initialized = count
        }
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A matrix from its rows; every row must have the same length.
    public init(_ rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns },
                     "Tensor: rows of different lengths \(rows.map(\.count))")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A `rows` x `columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.init(shape: [rows, columns])
    }

    /// The same tensor in another precision (for example Float weights checked in Double).
    public init<Other>(_ other: Tensor<Other>) {
        self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Rows of the matrix view: the first dimension (1 for rank 0 and rank 1).
    public var rows: Int { shape.count >= 2 ? shape[0] : 1 }

    /// Columns of the matrix view: the product of all but the first dimension.
    public var columns: Int {
        switch shape.count {
        case 0: return 1
        case 1: return shape[0]
        default: return shape.dropFirst().reduce(1, *)
        }
    }

    /// A readable description of the matrix view, used in precondition messages.
    public var shapeDescription: String {
        shape.count == 2 ? "\(shape[0])x\(shape[1])" : "\(shape) (\(rows)x\(columns))"
    }

    /// The element at `row`, `column` of the matrix view.
    public subscript(row: Int, column: Int) -> Scalar {
        get { scalars[row * columns + column] }
        set { scalars[row * columns + column] = newValue }
    }

    /// The same elements with another shape of equal element count.
    public func reshaped(to newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count,
                     "Tensor.reshaped: cannot view shape \(shape) (\(count) elements) as \(newShape)")
        var copy = self
        copy.shape = newShape
        return copy
    }

    /// Makes this tensor have `newShape`, keeping its storage when the element count is
    /// unchanged (then the contents are kept too) and replacing it with zeros otherwise.
    /// Layers call this on their output buffers so that a fixed batch shape never allocates.
    public mutating func reshape(to newShape: [Int]) {
        precondition(newShape.allSatisfy { $0 >= 0 }, "Tensor.reshape: negative dimension in \(newShape)")
        if newShape == shape { return }
        let newCount = newShape.reduce(1, *)
        if newCount != scalars.count {
            scalars = Self.zeros(count: newCount)
        }
        shape = newShape
    }

    /// The element at flat (row-major) position `index`.
    public subscript(flat index: Int) -> Scalar {
        get { scalars[index] }
        set { scalars[index] = newValue }
    }

    /// Calls `body` with the elements in row-major order, without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the elements, without copying (unless the storage
    /// is shared, in which case copy-on-write makes it unique first).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: Equatable {}

extension Tensor: CustomStringConvertible {
    /// Shape and the first elements, enough to recognise a tensor in a log.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
