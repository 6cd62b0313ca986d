import Foundation

/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28 x 28 grey
/// pixels with their digit labels, read from the four standard IDX files (gzip-compressed
/// or not). A copy ships in the repository under `data/mnist`.
public enum MNIST {
    /// The number of classes: the digits 0 to 9.
    public static let classCount = 10

    /// One of the two standard parts of the data set.
    public enum Split: String, Sendable, CaseIterable {
        /// The 60,000 training samples (`train-*` files).
        case train
        /// The 10,000 test samples (`t10k-*` files).
        case test

        /// The images file's name without the `.gz` extension.
        public var imagesFileName: String {
            self == .train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte"
        }

        /// The labels file's name without the `.gz` extension.
        public var labelsFileName: String {
            self == .train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte"
        }
    }

    /// Loads the training and test sets from `directory`.
    ///
    /// Images become rows of 784 pixels, scaled to `0...1` when `normalize` is true (as the
    /// book's `load_mnist(normalize=True)` does) and kept in `0...255` otherwise. Throws
    /// ``DataError`` naming the file at fault.
    public static func load(from directory: URL, normalize: Bool = true) throws -> (train: Dataset, test: Dataset) {
        let train = try read(.train, from: directory, normalize: normalize)
        let test = try read(.test, from: directory, normalize: normalize)
        guard train.imageShape == test.imageShape else {
            throw DataError.imageShapeMismatch(path: train.imagesURL.path, shape: train.imageShape,
                                               otherPath: test.imagesURL.path, otherShape: test.imageShape)
        }
        return (train.dataset, test.dataset)
    }

    /// Loads the training and test sets from the directory at `path`.
    public static func load(from path: String, normalize: Bool = true) throws -> (train: Dataset, test: Dataset) {
        try load(from: URL(fileURLWithPath: path), normalize: normalize)
    }

    /// Loads one split from `directory`: its images, flattened to one row each, and labels.
    public static func load(_ split: Split, from directory: URL, normalize: Bool = true) throws -> Dataset {
        try read(split, from: directory, normalize: normalize).dataset
    }

    /// The labels of one split, without loading its images (the training labels are 60 KB,
    /// the training images 47 MB).
    public static func labels(_ split: Split, from directory: URL) throws -> [Int32] {
        try readLabels(split, from: directory).labels
    }

    /// A split with the image file and the image size (rows, columns), for error messages.
    private static func read(_ split: Split, from directory: URL, normalize: Bool)
        throws -> (dataset: Dataset, imagesURL: URL, imageShape: [Int])
    {
        let imagesURL = try locate(split.imagesFileName, in: directory)
        let images = try IDXReader.read(imagesURL, dimensionCount: 3)
        let (labelsURL, labels) = try readLabels(split, from: directory)
        guard images.shape[0] == labels.count else {
            throw DataError.countMismatch(imagesPath: imagesURL.path, images: images.shape[0],
                                          labelsPath: labelsURL.path, labels: labels.count)
        }
        let inputs = images.images(normalize: normalize)
        let dataset = Dataset(inputs: inputs, labels: labels, classCount: classCount)
        return (dataset, imagesURL, Array(images.shape.dropFirst()))
    }

    /// The labels of a split with the file they came from, each checked to be a digit.
    private static func readLabels(_ split: Split, from directory: URL) throws -> (url: URL, labels: [Int32]) {
        let url = try locate(split.labelsFileName, in: directory)
        let array = try IDXReader.read(url, dimensionCount: 1)
        let labels = try array.withUnsafeElements { bytes in
            if let index = bytes.firstIndex(where: { Int($0) >= classCount }) {
                throw DataError.labelOutOfRange(path: url.path, index: index, label: Int(bytes[index]),
                                                classCount: classCount)
            }
            return bytes.map { Int32($0) }
        }
        return (url, labels)
    }

    /// The file `name` in `directory`: `name.gz` if it exists, else `name` uncompressed.
    private static func locate(_ name: String, in directory: URL) throws -> URL {
        guard FileKind(of: directory) == .directory else {
            throw DataError.missingDirectory(path: directory.path)
        }
        let compressed = directory.appendingPathComponent(name + ".gz")
        let uncompressed = directory.appendingPathComponent(name)
        if FileKind(of: compressed) != .missing { return compressed }
        if FileKind(of: uncompressed) != .missing { return uncompressed }
        throw FileError.missingFile(path: uncompressed.path + "[.gz]")
    }

    /// Where the MNIST files are when no directory is given: ``DataDirectory/locate(_:environment:currentDirectory:)``
    /// for `mnist` (the directory in `BACKPROP_DATA`, else `data/mnist` in the current
    /// directory, else the copy in the package). Throws ``DataError/dataDirectoryNotFound(searched:)``.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws -> URL {
        try DataDirectory.locate("mnist", environment: environment, currentDirectory: currentDirectory)
    }
}
