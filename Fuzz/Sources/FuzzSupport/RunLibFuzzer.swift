import Foundation
import LibFuzzer

/// The signature of `LLVMFuzzerTestOneInput`: one input of `size` bytes; returns 0.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Hands the process to libFuzzer's driver with the command line it was started with, so
/// that every libFuzzer flag (`-runs=`, `-max_len=`, corpus directories, a crash file to
/// replay) works, and exits with the driver's status.
///
/// SwiftPM links an executable target with `main` aliased to the module's own entry point
/// (so that tests could link the module), which keeps libFuzzer's `main` out of the link;
/// each fuzzer's `@main` calls this instead.
public func runLibFuzzer(_ testOneInput: FuzzTarget) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// The input libFuzzer passed, as a buffer (empty inputs may come with a null pointer).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}
