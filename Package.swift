// swift-tools-version: 6.2
// Tools version 6.2 is deliberate: from 6.2 on, SwiftPM accepts a versioned dependency
// whose targets use `unsafeFlags`, which the OpenMP build of the C core needs.

import Foundation
import PackageDescription

// MARK: - Locating LLVM's OpenMP runtime

/// Where LLVM's OpenMP runtime library lives on this machine, if anywhere.
///
/// Swift's bundled clang ships neither `omp.h` nor `libomp`. Debian's `libomp-dev` puts the
/// library under `/usr/lib/llvm-<version>/lib`, Homebrew's `libomp` under `<prefix>/opt/libomp/lib`;
/// both are off the default search paths. We look it up here instead of hard-coding one LLVM
/// version, and fall back to the (correct, serial) build when nothing is found.
///
/// No include directory is passed: the C core declares the few runtime functions it calls
/// itself (`CKernels/ck_openmp.h`). Debian's `omp.h` sits in another clang's resource
/// directory, and with Debian's `clang` installed that directory also holds its `stdint.h`,
/// `stdatomic.h`, …, which on the include path shadow the Swift toolchain's and break the
/// build (`scripts/check-clang-headers.sh` builds with them present).
struct OpenMPRuntime {
    var libraryDirectory: String

    static func locate() -> OpenMPRuntime? {
        let fileManager = FileManager.default
        let exists = { (path: String) in fileManager.fileExists(atPath: path) }

        if let root = ProcessInfo.processInfo.environment["CKERNELS_OPENMP_ROOT"] {
            return exists(root + "/lib") ? OpenMPRuntime(libraryDirectory: root + "/lib") : nil
        }
        #if os(Linux)
        // Newest LLVM first: /usr/lib/llvm-19 before /usr/lib/llvm-14.
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib")) ?? [])
            .filter { $0.hasPrefix("llvm-") }
            .sorted { (Int($0.dropFirst(5)) ?? 0) > (Int($1.dropFirst(5)) ?? 0) }
        for version in versions where exists("/usr/lib/" + version + "/lib/libomp.so") {
            return OpenMPRuntime(libraryDirectory: "/usr/lib/" + version + "/lib")
        }
        #elseif os(macOS)
        for prefix in ["/opt/homebrew/opt/libomp", "/usr/local/opt/libomp"] where exists(prefix + "/lib") {
            return OpenMPRuntime(libraryDirectory: prefix + "/lib")
        }
        #endif
        return nil
    }

    /// Compiler flags for the C core. Apple's clang accepts OpenMP only through `-Xclang`.
    var compilerFlags: [String] {
        #if os(macOS)
        return ["-Xclang", "-fopenmp"]
        #else
        return ["-fopenmp"]
        #endif
    }

    var linkerFlags: [String] {
        ["-L", libraryDirectory, "-lomp", "-Xlinker", "-rpath", "-Xlinker", libraryDirectory]
    }
}

let openMP = OpenMPRuntime.locate()
let whenOpenMP = BuildSettingCondition.when(traits: ["OpenMP"])

/// What the numerical test suites use: approximate comparison and property-based testing.
let numericTestDependencies: [Target.Dependency] = [
    .product(name: "Numerics", package: "swift-numerics"),
    .product(name: "PropertyBased", package: "swift-property-based"),
]

// MARK: - Package

let package = Package(
    name: "Backprop",
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .library(name: "CKernels", targets: ["CKernels"]),
        .executable(name: "backprop", targets: ["BackpropCLI"]),
        .executable(name: "kernel-bench", targets: ["KernelBench"]),
    ],
    traits: [
        .trait(
            name: "OpenMP",
            description: "Parallelize the C kernels with LLVM's OpenMP runtime when it is installed "
                + "(Debian: libomp-dev; macOS: brew install libomp). Without it the core is serial and still correct."
        ),
        .trait(
            name: "MPI",
            description: "Data-parallel training across processes and machines over Open MPI "
                + "(Debian: libopenmpi-dev openmpi-bin; macOS: brew install open-mpi). Off by default."
        ),
        .default(enabledTraits: ["OpenMP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // CSV data sets (`Dataset(csv:…)`, `backprop train --csv`): quoting, escapes and line endings.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "CKernels",
            path: "CKernels",
            exclude: ["README.md"],
            cSettings: [
                // -ffp-contract=off: the kernels place every fused multiply-add explicitly, so that
                // each instruction set rounds exactly like the scalar code (see CKernels/README.md).
                .unsafeFlags(["-O3", "-std=c11", "-ffp-contract=off"]),
                .unsafeFlags(openMP?.compilerFlags ?? [], whenOpenMP),
            ],
            linkerSettings: [
                .linkedLibrary("m", .when(platforms: [.linux])),
                .unsafeFlags(openMP?.linkerFlags ?? [], whenOpenMP),
            ]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // MPI's C API, found through pkg-config's ompi-c (Open MPI on Debian and Homebrew).
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]
        ),
        .target(
            name: "Backprop",
            dependencies: [
                "CKernels", "CZlib",
                .target(name: "CMPI", condition: .when(traits: ["MPI"])),
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            path: "Sources/Backprop"
        ),
        .executableTarget(
            name: "BackpropCLI",
            dependencies: [
                "Backprop",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/BackpropCLI"
        ),
        // kernel-bench's measurement of the machine's FMA peak (its "% of peak" column).
        .target(
            name: "CPeakProbe",
            dependencies: ["CKernels"],
            path: "Benchmarks/PeakProbe",
            cSettings: [.unsafeFlags(["-O2", "-std=c11"])]
        ),
        .executableTarget(
            name: "KernelBench",
            dependencies: [
                "Backprop", "CKernels", "CPeakProbe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/KernelBench"
        ),
        .target(name: "TestSupport", dependencies: ["CKernels"], path: "Tests/TestSupport"),
        .testTarget(name: "CKernelsTests", dependencies: ["Backprop", "CKernels", "TestSupport"] + numericTestDependencies),
        .testTarget(name: "BackpropTests", dependencies: ["Backprop", "TestSupport"] + numericTestDependencies),
        // Runs the built `backprop` executable as a separate process (swift test builds every product).
        .testTarget(name: "CLITests", dependencies: ["Backprop", "TestSupport"]),
    ]
)
