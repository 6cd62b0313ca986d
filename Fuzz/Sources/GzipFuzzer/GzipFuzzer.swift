import Backprop
import FuzzSupport

/// Decompresses the input as gzip (one or more members). Damaged input must throw
/// `DataError.corruptGzip`; nothing may trap, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
        _ = try Gzip.decompress(UnsafeRawBufferPointer(fuzzInput(data, size)), source: "fuzz")
    } catch let error as DataError {
        guard case .corruptGzip = error else { preconditionFailure("GzipFuzzer: unexpected error \(error)") }
    } catch {
        preconditionFailure("GzipFuzzer: untyped error \(error)")
    }
    return 0
}

@main
enum Driver {
    static func main() { runLibFuzzer(fuzzGzip) }
}
