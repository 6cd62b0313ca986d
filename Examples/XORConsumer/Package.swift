// swift-tools-version: 6.2
// A package that uses Backprop the way an app would: by URL and version.

import Foundation
import PackageDescription

/// Where Backprop comes from: the environment variable `BACKPROP_PACKAGE_URL` when it is set
/// (scripts/check-example.sh sets it to a temporary clone of the current commit, tagged 0.1.0),
/// otherwise the published repository. The default is a placeholder: OWNER stands for the
/// repository's owner, to be filled in once Backprop is published.
let backpropURL = ProcessInfo.processInfo.environment["BACKPROP_PACKAGE_URL"]
    ?? "https://github.com/OWNER/Backprop"

// Backprop's C core is built with `unsafeFlags` (-O3, -ffp-contract=off, and OpenMP's flags).
// SwiftPM 6.2 and later accept them in a versioned dependency because Backprop's manifest declares
// tools version 6.2; this manifest's own tools version does not matter for that (6.0 works too).
let package = Package(
    name: "XORConsumer",
    dependencies: [
        // The OpenMP trait is on by default; `traits: []` here would build the serial C core.
        .package(url: backpropURL, from: "0.1.0"),
    ],
    targets: [
        .executableTarget(
            name: "XORConsumer",
            dependencies: [.product(name: "Backprop", package: "Backprop")]
        ),
    ]
)
