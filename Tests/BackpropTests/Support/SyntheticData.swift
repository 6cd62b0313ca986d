import Backprop

/// A tensor of normal samples (mean 0, the given standard deviation) from a fixed seed.
func randomTensor<Scalar: BinaryFloatingPoint & Sendable>(
    shape: [Int], standardDeviation: Double = 1, seed: UInt64
) -> Tensor<Scalar> {
    var generator = SeededGenerator(seed: seed)
    var normal = NormalDistribution(standardDeviation: standardDeviation)
    return normal.tensor(shape: shape, using: &generator)
}

/// `classes` well-separated Gaussian blobs in `features` dimensions: class centers are
/// normal with standard deviation 3, samples scatter around them with standard deviation
/// 0.5, labels cycle through the classes. A small network learns it within a few hundred
/// steps, so training tests are short yet meaningful.
func blobsDataset(count: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var centers = NormalDistribution(standardDeviation: 3)
    var noise = NormalDistribution(standardDeviation: 0.5)
    let centerValues = (0..<classes * features).map { _ in centers.next(using: &generator) }
    var inputs = Tensor<Float>(shape: [count, features])
    var labels: [Int32] = []
    for row in 0..<count {
        let label = row % classes
        labels.append(Int32(label))
        for j in 0..<features {
            inputs[row, j] = Float(centerValues[label * features + j] + noise.next(using: &generator))
        }
    }
    return Dataset(inputs: inputs, labels: labels, classCount: classes)
}

/// The XOR problem in the plane: points uniform in [-1, 1]², class 1 where x·y > 0. No line
/// separates the classes, so a network must learn a hidden representation to pass 75%;
/// points within 0.1 of an axis are left out, so that 100% is reachable.
func xorDataset(count: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var inputs: [Float] = []
    var labels: [Int32] = []
    while labels.count < count {
        let x = Float.random(in: -1...1, using: &generator)
        let y = Float.random(in: -1...1, using: &generator)
        guard abs(x) > 0.1 && abs(y) > 0.1 else { continue }
        inputs += [x, y]
        labels.append(x * y > 0 ? 1 : 0)
    }
    return Dataset(inputs: Tensor(shape: [count, 2], scalars: inputs), labels: labels, classCount: 2)
}

/// The first `count` samples and the rest, as two datasets.
func split(_ dataset: Dataset, at count: Int) -> (Dataset, Dataset) {
    var rest = Tensor<Float>(shape: [0])
    rest.copyRows(of: dataset.inputs, in: count..<dataset.count)
    return (dataset.prefix(count),
            Dataset(inputs: rest, labels: Array(dataset.labels[count...]), classCount: dataset.classCount))
}

/// Samples with features uniform in [0, 1), like normalized MNIST pixels, and labels cycling
/// through the classes.
func unitIntervalDataset(count: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    let inputs = (0..<count * features).map { _ in Float.random(in: 0..<1, using: &generator) }
    return Dataset(inputs: Tensor(shape: [count, features], scalars: inputs),
                   labels: (0..<count).map { Int32($0 % classes) }, classCount: classes)
}

/// max |a - b| over the elements, in Double.
func maxAbsoluteDifference<A, B>(_ a: Tensor<A>, _ b: Tensor<B>) -> Double {
    precondition(a.count == b.count, "maxAbsoluteDifference: \(a.count) vs \(b.count) elements")
    return zip(a.scalars, b.scalars).map { abs(Double($0) - Double($1)) }.max() ?? 0
}

/// max |a - b| / max |b|: the error of `a` relative to the size of the reference `b`. Unlike
/// an elementwise relative error it does not blow up on elements that are nearly zero.
func relativeDifference<A, B>(_ a: Tensor<A>, reference b: Tensor<B>) -> Double {
    let scale = b.scalars.map { abs(Double($0)) }.max() ?? 0
    return maxAbsoluteDifference(a, b) / max(scale, .leastNormalMagnitude)
}
