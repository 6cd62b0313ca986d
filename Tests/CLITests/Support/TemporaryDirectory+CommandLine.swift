import Foundation
import TestSupport

extension TemporaryDirectory {
    /// Writes `bytes` to `name` and returns its path as a string, the form command lines take.
    @discardableResult
    func writeFile(_ bytes: some Sequence<UInt8>, to name: String) throws -> String {
        try write(bytes, to: name).path
    }
}
