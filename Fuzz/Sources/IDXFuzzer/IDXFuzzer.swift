import Backprop
import FuzzSupport

/// Parses the input as an IDX file with the dimension counts MNIST uses (1 for labels, 3 for
/// images) and with the count its header states, so that headers of any rank are exercised,
/// then uses an accepted array the way the MNIST loader does. Parsing may throw `DataError`;
/// it must not trap, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = Array(fuzzInput(data, size))
    var dimensionCounts = [1, 3]
    if file.count >= 4, !dimensionCounts.contains(Int(file[3])) {
        dimensionCounts.append(Int(file[3]))
    }
    for dimensionCount in dimensionCounts {
        let array: IDXArray
        do {
            array = try IDXReader.parse(file, dimensionCount: dimensionCount, source: "fuzz")
        } catch is DataError {
            continue
        } catch {
            preconditionFailure("IDXFuzzer: untyped error \(error)")
        }
        // The loader makes one row per entry of the first dimension, of the product of the
        // others, and reads the elements through the buffer.
        let rows = array.shape.first ?? 1
        let columns = array.shape.dropFirst().reduce(1, *)
        let sum = array.withUnsafeElements { $0.reduce(0) { $0 + Int($1) } }
        precondition(array.shape.count == dimensionCount && rows * columns == array.count
                         && array.elements.count == array.count && sum <= 255 * array.count,
                     "IDXFuzzer: accepted shape \(array.shape) disagrees with \(array.count) elements")
    }
    return 0
}

@main
enum Driver {
    static func main() { runLibFuzzer(fuzzIDX) }
}
