import Backprop
import Foundation
import FuzzSupport

/// Decodes the input as a safetensors file, and again as a header and body separated by the
/// first zero byte (a byte JSON text cannot hold) with the length prefix computed, so that
/// mutations of the JSON do not all fail at the length check. What decoding accepts is used
/// the way a model loader uses it: lookups by name and shape, and the matrix view of each
/// tensor. Decoding may throw `SafetensorsError`; nothing may trap, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    decodeAndUse(Data(buffer: input))

    let header = input.prefix { $0 != 0 }
    let body = input.dropFirst(header.count + 1)
    var framed = Data(count: 8)
    framed.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self) }
    framed.append(contentsOf: header)
    framed.append(contentsOf: body)
    decodeAndUse(framed)
    return 0
}

private func decodeAndUse(_ bytes: Data) {
    let file: SafetensorsFile
    do {
        file = try Safetensors.decode(bytes, source: "fuzz")
    } catch is SafetensorsError {
        return
    } catch {
        preconditionFailure("SafetensorsFuzzer: untyped error \(error)")
    }
    precondition(Set(file.names).count == file.names.count && Set(file.names) == Set(file.tensors.keys),
                 "SafetensorsFuzzer: names \(file.names) disagree with tensors \(file.tensors.keys.sorted())")
    for name in file.names {
        let tensor = file.tensors[name]!
        precondition(tensor.rows * tensor.columns == tensor.count,
                     "SafetensorsFuzzer: \(tensor.shapeDescription) holds \(tensor.count) elements")
        precondition((try? file.tensor(named: name, shape: tensor.shape)) != nil,
                     "SafetensorsFuzzer: tensor '\(name)' is not found by its own shape")
        _ = try? file.tensor(named: name, shape: [tensor.count])
    }
}

@main
enum Driver {
    static func main() { runLibFuzzer(fuzzSafetensors) }
}
