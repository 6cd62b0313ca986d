// swift-tools-version: 6.2
// libFuzzer harnesses for the parsers of untrusted files. A package of its own, so that the
// root package's `swift build` and `swift test` never compile it; `scripts/fuzz.sh` builds it
// with `-sanitize=fuzzer,address` and runs each fuzzer on the seeds in `Corpus/<Fuzzer>/`.
// Without `-sanitize=fuzzer` the link fails: libFuzzer's driver comes with that flag.

import PackageDescription

/// Each fuzzer is one file holding `LLVMFuzzerTestOneInput` and an `@main` that starts
/// libFuzzer's driver, so it is compiled as a library rather than as top-level code.
let fuzzerSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "BackpropFuzz",
    dependencies: [
        .package(name: "Backprop", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "LibFuzzer", path: "Sources/LibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["LibFuzzer"]),
    ] + ["IDXFuzzer", "SafetensorsFuzzer", "GzipFuzzer"].map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "Backprop", package: "Backprop")],
            swiftSettings: fuzzerSettings
        )
    }
)
