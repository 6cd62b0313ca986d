import Backprop
import Foundation
import Testing
import TestSupport

/// A miniature MNIST directory: the four standard files with a few small images.
private struct TinyMNIST {
    static let trainLabels: [UInt8] = [5, 0, 9]
    static let testLabels: [UInt8] = [7, 2]

    /// The pixels of `count` images of `rows` x `columns`, all different.
    static func pixels(count: Int, rows: Int, columns: Int) -> [UInt8] {
        (0 ..< count * rows * columns).map { UInt8(($0 * 37 + 11) % 256) }
    }

    let directory: URL

    /// Writes the files into `name` inside `temporary`, gzip-compressed or not.
    init(in temporary: TemporaryDirectory, name: String = "mnist", compressed: Bool = true) throws {
        directory = try temporary.makeDirectory(name)
        for split in MNIST.Split.allCases {
            let labels = split == .train ? Self.trainLabels : Self.testLabels
            let pixels = Self.pixels(count: labels.count, rows: 2, columns: 2)
            try write(idxFile(shape: [UInt32(labels.count), 2, 2], elements: pixels), to: split.imagesFileName,
                      compressed: compressed)
            try write(idxFile(shape: [UInt32(labels.count)], elements: labels), to: split.labelsFileName,
                      compressed: compressed)
        }
    }

    /// Replaces (or adds) the file `name`, removing both its compressed and plain forms first.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String, compressed: Bool = true) throws -> URL {
        for suffix in ["", ".gz"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name + suffix))
        }
        let url = directory.appendingPathComponent(name + (compressed ? ".gz" : ""))
        try Data(compressed ? StoredGzip.member(bytes) : bytes).write(to: url)
        return url
    }
}

@Suite("MNIST loader")
struct MNISTLoaderTests {
    @Test("loads both splits, normalized to 0...1 exactly as pixel / 255", arguments: [true, false])
    func loadsNormalized(compressed: Bool) throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary, compressed: compressed)
        let (train, test) = try MNIST.load(from: mnist.directory)
        #expect(train.inputs.shape == [3, 4])
        #expect(test.inputs.shape == [2, 4])
        #expect(train.labels == [5, 0, 9])
        #expect(test.labels == [7, 2])
        #expect(train.classCount == 10)
        let expected = TinyMNIST.pixels(count: 3, rows: 2, columns: 2).map { Float($0) / 255 }
        #expect(train.inputs.scalars == expected)
        #expect(train.inputs[2, 3] == Float(TinyMNIST.pixels(count: 3, rows: 2, columns: 2)[11]) / 255)
    }

    @Test("without normalization pixels stay in 0...255")
    func loadsRaw() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        let (train, _) = try MNIST.load(from: mnist.directory.path, normalize: false)
        #expect(train.inputs.scalars == TinyMNIST.pixels(count: 3, rows: 2, columns: 2).map { Float($0) })
    }

    @Test("one split and the labels alone load without the other files")
    func loadsParts() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        try FileManager.default.removeItem(at: mnist.directory.appendingPathComponent("train-images-idx3-ubyte.gz"))
        #expect(try MNIST.labels(.train, from: mnist.directory) == [5, 0, 9])
        #expect(try MNIST.load(.test, from: mnist.directory).labels == [7, 2])
    }

    @Test("a missing data directory is named in the error")
    func missingDirectory() throws {
        let temporary = try TemporaryDirectory()
        let absent = temporary.path("nowhere")
        expectError(DataError.missingDirectory(path: absent.path), mentioning: absent.path) {
            try MNIST.load(from: absent)
        }
    }

    @Test("a missing file is named in the error")
    func missingFile() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        try FileManager.default.removeItem(at: mnist.directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let expected = mnist.directory.appendingPathComponent("t10k-labels-idx1-ubyte").path + "[.gz]"
        expectError(FileError.missingFile(path: expected), mentioning: expected) {
            try MNIST.load(from: mnist.directory)
        }
    }

    @Test("a directory, an empty file or a corrupt stream in place of a file are refused")
    func unusableFiles() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        let labels = mnist.directory.appendingPathComponent("train-labels-idx1-ubyte.gz")

        try FileManager.default.removeItem(at: labels)
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: false)
        expectError(FileError.notAFile(path: labels.path), mentioning: labels.path) {
            try MNIST.load(from: mnist.directory)
        }

        try FileManager.default.removeItem(at: labels)
        try Data().write(to: labels)
        expectError(DataError.emptyFile(path: labels.path), mentioning: labels.path) {
            try MNIST.load(from: mnist.directory)
        }

        let valid = StoredGzip.member(idxFile(shape: [3], elements: TinyMNIST.trainLabels))
        try Data(valid.dropLast(3)).write(to: labels)
        let error = #expect(throws: DataError.self) { try MNIST.load(from: mnist.directory) }
        guard case .corruptGzip(let path, _)? = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(path == labels.path)
    }

    @Test("images and labels of different counts are refused, naming both files")
    func countMismatch() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        let labels = try mnist.write(idxFile(shape: [2], elements: [1, 2]), to: MNIST.Split.train.labelsFileName)
        let images = mnist.directory.appendingPathComponent("train-images-idx3-ubyte.gz")
        let expected = DataError.countMismatch(imagesPath: images.path, images: 3, labelsPath: labels.path, labels: 2)
        expectError(expected, mentioning: labels.path) { try MNIST.load(from: mnist.directory) }
        #expect(expected.description.contains(images.path))
    }

    @Test("a label outside 0...9 is refused with its position")
    func labelOutOfRange() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary, compressed: false)
        let labels = try mnist.write(idxFile(shape: [2], elements: [3, 10]), to: MNIST.Split.test.labelsFileName,
                                     compressed: false)
        expectError(DataError.labelOutOfRange(path: labels.path, index: 1, label: 10, classCount: 10),
                    mentioning: labels.path) {
            try MNIST.load(from: mnist.directory)
        }
    }

    @Test("training and test images of different sizes are refused")
    func imageShapeMismatch() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        let testImages = try mnist.write(
            idxFile(shape: [2, 3, 3], elements: TinyMNIST.pixels(count: 2, rows: 3, columns: 3)),
            to: MNIST.Split.test.imagesFileName)
        let trainImages = mnist.directory.appendingPathComponent("train-images-idx3-ubyte.gz")
        expectError(DataError.imageShapeMismatch(path: trainImages.path, shape: [2, 2],
                                                 otherPath: testImages.path, otherShape: [3, 3]),
                    mentioning: testImages.path) {
            try MNIST.load(from: mnist.directory)
        }
    }

    @Test("an empty split whose image size overflows is refused, not a trap")
    func emptySplitWithHugeImages() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        try mnist.write(idxFile(shape: [0], elements: []), to: MNIST.Split.train.labelsFileName)
        let images = try mnist.write(idxFile(shape: [0, .max, .max], elements: []),
                                     to: MNIST.Split.train.imagesFileName)
        let max = Int(UInt32.max)
        expectError(DataError.sizeOverflow(path: images.path, dimensions: [0, max, max]), mentioning: images.path) {
            try MNIST.load(from: mnist.directory)
        }
    }

    @Test("a damaged header reaches the caller with the file's path")
    func damagedHeader() throws {
        let temporary = try TemporaryDirectory()
        let mnist = try TinyMNIST(in: temporary)
        // A labels file in place of the images: one dimension instead of three.
        let images = try mnist.write(idxFile(shape: [3], elements: TinyMNIST.trainLabels),
                                     to: MNIST.Split.train.imagesFileName)
        expectError(DataError.wrongDimensionCount(path: images.path, found: 1, expected: 3), mentioning: images.path) {
            try MNIST.load(from: mnist.directory)
        }
    }
}

@Suite("MNIST default directory")
struct MNISTDefaultDirectoryTests {
    @Test("BACKPROP_DATA wins, and may name the directory holding mnist/")
    func environmentVariable() throws {
        let temporary = try TemporaryDirectory()
        let cwd = try temporary.makeDirectory("cwd")
        try temporary.makeDirectory("cwd/data/mnist")
        let elsewhere = try temporary.makeDirectory("elsewhere")
        #expect(try MNIST.defaultDirectory(environment: ["BACKPROP_DATA": elsewhere.path], currentDirectory: cwd).path
            == elsewhere.path)
        let root = try temporary.makeDirectory("root")
        try temporary.makeDirectory("root/mnist")
        #expect(try MNIST.defaultDirectory(environment: ["BACKPROP_DATA": root.path], currentDirectory: cwd).path
            == temporary.path("root/mnist").path)
        // A relative setting is resolved against the current directory; a wrong one is kept,
        // so that loading reports the directory the user named.
        try temporary.makeDirectory("cwd/other")
        #expect(try MNIST.defaultDirectory(environment: ["BACKPROP_DATA": "./other"], currentDirectory: cwd).path
            == temporary.path("cwd/other").path)
        let wrong = temporary.path("missing")
        #expect(try MNIST.defaultDirectory(environment: ["BACKPROP_DATA": wrong.path], currentDirectory: cwd).path
            == wrong.path)
    }

    @Test("data/mnist in the current directory comes next")
    func currentDirectory() throws {
        let temporary = try TemporaryDirectory()
        let local = try temporary.makeDirectory("data/mnist")
        #expect(try MNIST.defaultDirectory(environment: [:], currentDirectory: temporary.url).path == local.path)
    }

    @Test("otherwise the copy shipped in the package is found")
    func packageCopy() throws {
        let temporary = try TemporaryDirectory()
        let found = try MNIST.defaultDirectory(environment: [:], currentDirectory: temporary.url)
        #expect(found.path.hasSuffix("data/mnist"))
        #expect(FileManager.default.fileExists(atPath: found.appendingPathComponent("README.md").path))
        let root = found.deletingLastPathComponent().deletingLastPathComponent()
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path))
    }
}
