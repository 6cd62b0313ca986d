import Backprop
import Foundation
import TestSupport

/// Small MNIST data directories for command-line runs: the first samples of the shipped
/// MNIST written as uncompressed IDX files, which a test may then damage.
enum MNISTSlice {
    /// The shipped IDX files, decompressed once per test process, by split and kind.
    private static let shipped: Result<[String: IDXArray], any Error> = Result {
        let directory = try MNIST.defaultDirectory()
        var arrays: [String: IDXArray] = [:]
        for split in MNIST.Split.allCases {
            arrays[split.imagesFileName] = try IDXReader.read(
                directory.appendingPathComponent(split.imagesFileName + ".gz"), dimensionCount: 3)
            arrays[split.labelsFileName] = try IDXReader.read(
                directory.appendingPathComponent(split.labelsFileName + ".gz"), dimensionCount: 1)
        }
        return arrays
    }

    /// The shipped gzip file `name` (in `data/mnist`), as stored.
    static func shippedGzip(_ name: String) throws -> Data {
        try Data(contentsOf: MNIST.defaultDirectory().appendingPathComponent(name + ".gz"))
    }

    /// Writes the first `trainCount` training and `testCount` test samples of the shipped
    /// MNIST into `directory` as the four standard file names, uncompressed.
    static func write(to directory: URL, trainCount: Int, testCount: Int) throws {
        for (split, count) in [(MNIST.Split.train, trainCount), (.test, testCount)] {
            try write(split.imagesFileName, count: count, to: directory)
            try write(split.labelsFileName, count: count, to: directory)
        }
    }

    /// Writes the first `count` samples of the shipped file `name` as `name` in `directory`.
    static func write(_ name: String, count: Int, to directory: URL) throws {
        let array = try shipped.get()[name]!
        let sampleSize = array.shape.dropFirst().reduce(1, *)
        var shape = array.shape
        shape[0] = count
        let elements = array.withUnsafeElements { Array($0.prefix(count * sampleSize)) }
        try Data(idxFile(shape: shape.map { UInt32($0) }, elements: elements)).write(to: directory.appendingPathComponent(name))
    }
}

/// What most command-line tests run with: a scratch directory to run in (and to check for
/// files left behind) and a data directory with a small valid MNIST slice.
struct RunDirectories {
    let scratch: TemporaryDirectory
    let data: TemporaryDirectory

    /// 100 training and 50 test images unless told otherwise.
    init(trainCount: Int = 100, testCount: Int = 50) throws {
        scratch = try TemporaryDirectory()
        data = try TemporaryDirectory()
        try MNISTSlice.write(to: data.url, trainCount: trainCount, testCount: testCount)
    }
}

/// A suite that runs in a ``RunDirectories``: `scratch` and `data` name its two directories.
protocol RunsInDirectories {
    var directories: RunDirectories { get }
}

extension RunsInDirectories {
    var scratch: TemporaryDirectory { directories.scratch }
    var data: TemporaryDirectory { directories.data }
}
