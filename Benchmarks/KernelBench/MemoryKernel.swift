import Backprop

/// The memory-bound kernels of a training step, each run on a workspace of a given size.
enum MemoryKernel {
    case reluForward
    case reluBackward
    case sigmoidForward
    /// Row-wise softmax of a matrix with this many columns (10: the network's output layer).
    case softmax(columns: Int)
    /// Column sums of a matrix with this many columns (the bias gradient db).
    case columnSums(columns: Int)
    case sgdUpdate

    /// Every kernel the memory suite measures, in table order.
    static var standardSet: [MemoryKernel] {
        [.reluForward, .reluBackward, .sigmoidForward, .softmax(columns: 10), .softmax(columns: 1000),
         .columnSums(columns: 50), .sgdUpdate]
    }

    var name: String {
        switch self {
        case .reluForward: "relu_forward"
        case .reluBackward: "relu_backward"
        case .sigmoidForward: "sigmoid_forward"
        case .softmax: "softmax"
        case .columnSums: "column_sums"
        case .sgdUpdate: "sgd_update"
        }
    }

    /// The matrix a workspace of `elements` floats is viewed as (one row for vector kernels).
    func matrix(elements: Int) -> (rows: Int, columns: Int) {
        switch self {
        case .softmax(let columns), .columnSums(let columns): (elements / columns, columns)
        default: (1, elements)
        }
    }

    func shape(elements: Int) -> String {
        let (rows, columns) = matrix(elements: elements)
        return rows == 1 ? "\(columns)" : "\(rows)x\(columns)"
    }

    /// Whether the reference's time per element is the same on a prefix of the workspace as
    /// on all of it, so a large workspace can be timed on a prefix. Not for column sums: the
    /// reference walks the matrix column by column, fast while the prefix fits in cache and
    /// bound by memory once the whole matrix does not.
    var referenceScalesLinearly: Bool {
        if case .columnSums = self { return false }
        return true
    }

    /// Bytes one call reads plus bytes it writes, each counted once.
    func bytes(elements: Int) -> Double {
        let (rows, columns) = matrix(elements: elements)
        let floats = Double(rows * columns)
        switch self {
        case .reluForward: return floats * 9 // x in; y and the 1-byte mask out
        case .reluBackward: return floats * 9 // dy and mask in; dx out
        case .sigmoidForward, .softmax: return floats * 8 // x in, y out
        case .columnSums: return floats * 4 + Double(columns) * 4 // the matrix in, one row of sums out
        case .sgdUpdate: return floats * 12 // gradient and parameter in, parameter out
        }
    }

    /// Runs the kernel once on `backend` over the first `elements` of the workspace (all of
    /// it by default) and returns an element of its output as witness.
    func run<Backend: KernelBackend>(on backend: Backend, in workspace: MemoryWorkspace, elements: Int? = nil) -> Float
        where Backend.Scalar == Float {
        let (rows, columns) = matrix(elements: min(elements ?? workspace.elements, workspace.elements))
        let count = rows * columns
        let w = workspace
        switch self {
        case .reluForward:
            backend.reluForward(x: w.x.readOnly.leading(count), y: w.y.buffer.leading(count), mask: w.mask.buffer.leading(count))
            return w.y.buffer[count - 1]
        case .reluBackward:
            backend.reluBackward(dy: w.dy.readOnly.leading(count), mask: w.mask.readOnly.leading(count),
                                 dx: w.dx.buffer.leading(count))
            return w.dx.buffer[count - 1]
        case .sigmoidForward:
            backend.sigmoidForward(x: w.x.readOnly.leading(count), y: w.y.buffer.leading(count))
            return w.y.buffer[count - 1]
        case .softmax:
            backend.softmax(m: rows, n: columns, x: w.x.readOnly, ldx: columns, y: w.y.buffer, ldy: columns)
            return w.y.buffer[count - 1]
        case .columnSums:
            precondition(columns <= w.sums.count, "column_sums: \(columns) columns but \(w.sums.count) sums")
            backend.columnSums(m: rows, n: columns, x: w.x.readOnly, ldx: columns, sums: w.sums.buffer.leading(columns))
            return w.sums.buffer[columns - 1]
        case .sgdUpdate:
            // A tiny step, so that thousands of calls leave the parameters well-scaled.
            backend.sgdUpdate(learningRate: 1e-7, gradient: w.gradient.readOnly.leading(count),
                              parameter: w.parameter.buffer.leading(count))
            return w.parameter.buffer[count - 1]
        }
    }
}

/// The operands of the memory suite for one size, allocated and filled once.
final class MemoryWorkspace {
    let elements: Int
    let x: AlignedBuffer<Float>
    let y: AlignedBuffer<Float>
    let dy: AlignedBuffer<Float>
    let dx: AlignedBuffer<Float>
    let mask: AlignedBuffer<UInt8>
    let gradient: AlignedBuffer<Float>
    let parameter: AlignedBuffer<Float>
    let sums: AlignedBuffer<Float>

    /// The widest matrix a kernel may view the workspace as (the length of `sums`).
    static let maximumColumns = 1 << 16

    init(elements: Int, seed: UInt64) {
        self.elements = elements
        // [-4, 4] exercises both branches of sigmoid and sends half the values through ReLU.
        x = AlignedBuffer(count: elements, uniformIn: -4...4, seed: seed)
        y = AlignedBuffer(count: elements)
        dy = AlignedBuffer(count: elements, uniformIn: -1...1, seed: seed &+ 1)
        dx = AlignedBuffer(count: elements)
        mask = AlignedBuffer(count: elements, zero: 0)
        gradient = AlignedBuffer(count: elements, uniformIn: -1...1, seed: seed &+ 2)
        parameter = AlignedBuffer(count: elements, uniformIn: -1...1, seed: seed &+ 3)
        sums = AlignedBuffer(count: min(elements, Self.maximumColumns))
        for i in 0..<elements {
            mask.buffer[i] = x.buffer[i] > 0 ? 1 : 0
        }
    }
}

extension UnsafeBufferPointer {
    /// The first `count` elements as a buffer of their own.
    fileprivate func leading(_ count: Int) -> UnsafeBufferPointer {
        UnsafeBufferPointer(rebasing: self[0..<count])
    }
}

extension UnsafeMutableBufferPointer {
    fileprivate func leading(_ count: Int) -> UnsafeMutableBufferPointer {
        UnsafeMutableBufferPointer(rebasing: self[0..<count])
    }
}
