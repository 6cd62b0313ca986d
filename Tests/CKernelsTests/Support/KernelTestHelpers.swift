// Helpers shared by the C core's tests: seeded data, matrices with padding, the
// process-wide instruction-set and thread-count switches, and float comparisons.

import Backprop
import CKernels
import Testing
import TestSupport

// MARK: - Deterministic data

/// The library's seeded generator, so every test sees the same numbers on every machine and
/// a failure can be replayed; these helpers draw the shapes of data the tests need.
extension SeededGenerator {
    /// A uniform float in `range`, from the top 24 bits (our own formula rather than
    /// `Float.random(in:using:)`, whose algorithm the standard library may change).
    mutating func float(in range: ClosedRange<Float> = -1...1) -> Float {
        let unit = Float(next() >> 40) * 0x1p-24
        return range.lowerBound + (range.upperBound - range.lowerBound) * unit
    }

    /// `count` uniform floats in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in float(in: range) }
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}

/// Floats that every kernel must handle: signed zeros, subnormals, the extremes, infinities, NaN.
let specialFloats: [Float] = [
    0, -0.0, 1, -1, 0.5, -0.5, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
    .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    1e30, -1e30, 88, -88, 100, -100, .infinity, -.infinity, .nan,
]

/// A quiet NaN with a recognisable payload. Written into padding and into outputs that a
/// kernel must not touch, and compared by bit pattern afterwards.
let sentinel = Float(bitPattern: 0x7FC5_A5A5)

// MARK: - Matrices with a leading dimension

/// A row-major `rows` x `columns` matrix stored with leading dimension `ld >= columns`, the
/// layout `ckernels.h` takes. Padding elements hold `sentinel`: a kernel that reads them
/// turns its result into NaN, one that writes them is caught by `paddingIsIntact`.
struct StridedMatrix {
    let rows: Int
    let columns: Int
    let ld: Int
    var storage: [Float]

    init(rows: Int, columns: Int, ld: Int, element: (Int, Int) -> Float) {
        precondition(ld >= columns, "StridedMatrix: ld \(ld) < columns \(columns)")
        self.rows = rows
        self.columns = columns
        self.ld = ld
        // One spare row keeps the buffer non-empty (a real pointer) even for 0 x n.
        storage = Array(repeating: sentinel, count: max(rows, 1) * ld + 1)
        for i in 0..<rows {
            for j in 0..<columns {
                storage[i * ld + j] = element(i, j)
            }
        }
    }

    /// A matrix of uniform random numbers in `range`.
    init(rows: Int, columns: Int, padding: Int = 0, range: ClosedRange<Float> = -1...1,
         using rng: inout SeededGenerator) {
        let values = rng.floats(rows * columns, in: range)
        self.init(rows: rows, columns: columns, ld: columns + padding) { i, j in values[i * columns + j] }
    }

    subscript(i: Int, j: Int) -> Float {
        get { storage[i * ld + j] }
        set { storage[i * ld + j] = newValue }
    }

    /// The elements in row-major order without padding.
    var elements: [Float] {
        (0..<rows).flatMap { i in storage[(i * ld)..<(i * ld + columns)] }
    }

    /// Whether every element outside the matrix still holds the sentinel bit pattern.
    var paddingIsIntact: Bool {
        storage.indices.allSatisfy { index in
            let (i, j) = ld == 0 ? (rows, 0) : index.quotientAndRemainder(dividingBy: ld)
            return (i < rows && j < columns) || storage[index].bitPattern == sentinel.bitPattern
        }
    }
}

// MARK: - Process-wide state of the C core

/// Runs `body` once with each supported instruction set forced, restoring the original one
/// afterwards. Callers must sit in ``SerializedCoreTests``: the ISA is process-wide.
func forEachSupportedISA(_ body: (ck_isa) throws -> Void) throws {
    let original = ck_active_isa()
    defer { ck_set_isa(original) }
    for isa in supportedISAs {
        try #require(ck_set_isa(isa) == CK_OK, "ck_set_isa(\(isa.name)) failed although ck_isa_supported said yes")
        try body(isa)
    }
}

/// The `async` form of ``forEachSupportedISA(_:)``, for property checks.
func forEachSupportedISA(_ body: (ck_isa) async throws -> Void) async throws {
    let original = ck_active_isa()
    defer { ck_set_isa(original) }
    for isa in supportedISAs {
        try #require(ck_set_isa(isa) == CK_OK, "ck_set_isa(\(isa.name)) failed although ck_isa_supported said yes")
        try await body(isa)
    }
}

// MARK: - Comparisons

/// Equal bit patterns, or both NaN (payloads may legitimately differ between code paths).
func sameBits(_ x: Float, _ y: Float) -> Bool {
    x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
}

/// Expects `actual` and `expected` to agree element by element in the sense of `sameBits`,
/// reporting the number of mismatches and the first one rather than one issue per element.
func expectSameBits(_ actual: [Float], _ expected: [Float], _ what: @autoclosure () -> String,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(what()): \(actual.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    let mismatches = actual.indices.filter { !sameBits(actual[$0], expected[$0]) }
    if let first = mismatches.first {
        Issue.record("""
            \(what()): \(mismatches.count) of \(actual.count) elements differ; first at \(first): \
            \(actual[first]) (0x\(String(actual[first].bitPattern, radix: 16))) vs expected \
            \(expected[first]) (0x\(String(expected[first].bitPattern, radix: 16)))
            """, sourceLocation: sourceLocation)
    }
}

/// Expects `|actual[i] - expected[i]| <= tolerance[i]` for every i, NaN only where the
/// expectation is NaN; reports the count and the worst element.
func expectClose(_ actual: [Float], _ expected: [Double], tolerance: (Int) -> Double,
                 _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(what()): \(actual.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var failures = 0
    var worst: (index: Int, excess: Double)?
    for i in actual.indices {
        let a = Double(actual[i]), e = expected[i]
        let ok: Bool
        let excess: Double
        if e.isNaN || a.isNaN {
            ok = e.isNaN && a.isNaN
            excess = .infinity
        } else if e.isInfinite || a.isInfinite {
            ok = a == e
            excess = .infinity
        } else {
            excess = abs(a - e) / max(tolerance(i), .leastNonzeroMagnitude)
            ok = abs(a - e) <= tolerance(i)
        }
        if !ok {
            failures += 1
            if worst == nil || excess > worst!.excess { worst = (i, excess) }
        }
    }
    if let worst {
        let i = worst.index
        Issue.record("""
            \(what()): \(failures) of \(actual.count) elements out of tolerance; worst at \(i): \
            \(actual[i]) vs expected \(expected[i]) (tolerance \(tolerance(i)))
            """, sourceLocation: sourceLocation)
    }
}

/// Expects `actual` within `relative` of `expected` (plus `absolute` for values near zero).
func expectClose(_ actual: [Float], _ expected: [Double], relative: Double, absolute: Double = 0,
                 _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected, tolerance: { relative * abs(expected[$0]) + absolute },
                what(), sourceLocation: sourceLocation)
}

// MARK: - Reference GEMM

/// op(A) * op(B) in Double with the magnitude that bounds a float computation's error.
///
/// `value` is alpha * op(A) * op(B) + beta * C0 (ReferenceBackend<Double>, exact enough to be
/// the truth); `scale` is |alpha| * |op(A)| * |op(B)| + |beta * C0|, the quantity a float
/// dot product's rounding error is proportional to. Both are dense m x n.
struct GEMMReference {
    let value: [Double]
    let scale: [Double]

    /// `a` and `b` are the stored operands (k x m for a transposed A, and so on).
    init(transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
         alpha: Float, a: StridedMatrix, b: StridedMatrix, beta: Float, c: StridedMatrix) {
        let denseA = a.elements.map(Double.init), denseB = b.elements.map(Double.init)
        let c0 = c.elements.map(Double.init)
        let (lda, ldb) = (a.columns, b.columns)
        func product(alpha: Double, _ da: [Double], _ db: [Double], beta: Double, _ dc: [Double]) -> [Double] {
            var out = dc
            da.withUnsafeBufferPointer { pa in
                db.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { pc in
                        ReferenceBackend<Double>().gemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                            alpha: alpha, a: pa, lda: lda, b: pb, ldb: ldb,
                            beta: beta, c: pc, ldc: n)
                    }
                }
            }
            return out
        }
        value = product(alpha: Double(alpha), denseA, denseB, beta: Double(beta), c0)
        scale = product(alpha: Double(abs(alpha)), denseA.map(abs), denseB.map(abs), beta: Double(abs(beta)), c0.map(abs))
    }
}

// MARK: - Reference softmax

/// The row-wise softmax of `x` in Double (ReferenceBackend<Double>), dense m x n: the truth
/// the float kernels are measured against.
func referenceSoftmax(_ x: StridedMatrix) -> [Double] {
    let dense = x.elements.map(Double.init)
    var y = [Double](repeating: 0, count: dense.count)
    dense.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            ReferenceBackend<Double>().softmax(m: x.rows, n: x.columns, x: px, ldx: x.columns, y: py, ldy: x.columns)
        }
    }
    return y
}

/// The sums of the rows of a dense `rows` x `columns` matrix, accumulated in Double.
func rowSums(_ values: [Float], rows: Int, columns: Int) -> [Double] {
    (0..<rows).map { i in values[(i * columns)..<((i + 1) * columns)].reduce(0.0) { $0 + Double($1) } }
}
