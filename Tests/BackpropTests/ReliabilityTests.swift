import Backprop
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The library's side of issue 13: bounded reading of hostile files, saves that never replace
/// what they must not, outputs written all or none, and divergence caught while still finite.
@Suite("Reliability: bounded reads, safe saves, caught divergence")
struct ReliabilityTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    // MARK: Reading

    @Test("a gzip IDX file that inflates far beyond its header is refused without inflating the rest")
    func gzipBomb() throws {
        // Three declared labels, then 1.25 MB more zeros in 20 further members.
        let zeros = StoredGzip.member([UInt8](repeating: 0, count: 1 << 16))
        let bytes = StoredGzip.member(idxFile(shape: [3], elements: [1, 2, 3])) + Array(repeating: zeros, count: 20).joined()
        let url = try directory.write(bytes, to: "labels.gz")
        expectError(DataError.inflatesBeyondHeader(path: url.path, expectedBytes: 3), mentioning: url.path) {
            try IDXReader.read(url, dimensionCount: 1)
        }
    }

    @Test("a gzip IDX file with a few bytes after its data reports their exact count")
    func gzipTrailingBytes() throws {
        let url = try directory.write(StoredGzip.member(idxFile(shape: [3], elements: [1, 2, 3, 4, 5])), to: "labels.gz")
        expectError(DataError.trailingBytes(path: url.path, count: 2), mentioning: url.path) {
            try IDXReader.read(url, dimensionCount: 1)
        }
    }

    @Test("a header declaring more than the compressed bytes could ever inflate to is refused as truncated")
    func declaredBeyondInflationBound() throws {
        let url = try directory.write(StoredGzip.member(idxFile(shape: [60_000, 28, 28], elements: [7, 7])),
                                      to: "images.gz")
        expectError(DataError.truncatedData(path: url.path, expectedBytes: 47_040_000, actualBytes: 2),
                    mentioning: url.path) {
            try IDXReader.read(url, dimensionCount: 3)
        }
    }

    @Test("a FIFO or a character device is refused as a data file without being opened")
    func specialDataFiles() throws {
        let fifo = directory.path("labels")
        try #require(mkfifo(fifo.path, 0o644) == 0)
        expectError(FileError.notARegularFile(path: fifo.path, kind: "a FIFO"), mentioning: fifo.path) {
            try DataFile.contents(of: fifo)
        }
        let zero = URL(fileURLWithPath: "/dev/zero")
        expectError(FileError.notARegularFile(path: zero.path, kind: "a character device"), mentioning: zero.path) {
            try IDXReader.read(zero, dimensionCount: 1)
        }
    }

    @Test("a safetensors header longer than 100 MB is refused before it is read")
    func safetensorsHeaderCap() throws {
        // A file that really holds a header of 100,000,001 bytes (zeros: it is never parsed).
        var file = Data(count: 8 + 100_000_001)
        file.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { Data($0) })
        expectError(SafetensorsError.headerTooLarge(path: "big", headerLength: 100_000_001, limit: 100_000_000),
                    mentioning: "big") {
            try Safetensors.decode(file, source: "big")
        }
    }

    // MARK: Saving

    let tensors: [(name: String, tensor: Tensor<Float>)] = [("x", Tensor(shape: [2], scalars: [1, 2]))]

    @Test("saving onto a FIFO is refused and leaves the FIFO")
    func saveOntoFIFO() throws {
        let fifo = directory.path("m.safetensors")
        try #require(mkfifo(fifo.path, 0o644) == 0)
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.save(tensors, to: fifo) }
        #expect(error?.description.contains("a FIFO, not a regular file") == true, "\(String(describing: error))")
        var status = stat()
        #expect(lstat(fifo.path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(try directory.contents() == ["m.safetensors"])
    }

    @Test("saving through a symbolic link replaces its target and keeps the link")
    func saveThroughSymlink() throws {
        try directory.makeDirectory("real")
        try directory.write(Array("old".utf8), to: "real/model.safetensors")
        let link = directory.path("m.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/model.safetensors")
        try Safetensors.save(tensors, to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real/model.safetensors")
        #expect(try Safetensors.load(from: directory.path("real/model.safetensors")).tensors["x"]?.scalars == [1, 2])
        #expect(try directory.contents(of: "real") == ["model.safetensors"])
    }

    @Test("a save removes stale partial files of its target but not one a live writer holds locked")
    func stalePartials() throws {
        let uuid = { UUID().uuidString }
        let stale = try directory.write([1, 2, 3], to: ".m.safetensors.\(uuid()).partial")
        let live = try directory.write([4, 5, 6], to: ".m.safetensors.\(uuid()).partial")
        let other = try directory.write([7], to: ".other.safetensors.\(uuid()).partial")
        let descriptor = open(live.path, O_RDONLY)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX) == 0)
        try Safetensors.save(tensors, to: directory.path("m.safetensors"))
        let names = try directory.contents()
        #expect(!names.contains(stale.lastPathComponent))
        #expect(names.contains(live.lastPathComponent))
        #expect(names.contains(other.lastPathComponent))
        #expect(names.contains("m.safetensors"))
    }

    @Test("an output set whose last file fails writes none of them and removes the directory it created")
    func outputSetAllOrNothing() throws {
        try directory.write(Array("old".utf8), to: "m.safetensors")
        try directory.makeDirectory("blocked/curves.svg")
        var set = OutputSet()
        set.add(Data("new".utf8), at: directory.path("m.safetensors"))
        set.add(Data("a,b\n".utf8), at: directory.path("fresh/curves.csv"))
        set.add(Data("<svg/>".utf8), at: directory.path("blocked/curves.svg"))
        let error = #expect(throws: OutputError.self) { try set.write() }
        #expect(error?.path == directory.path("blocked/curves.svg").path)
        #expect(try String(contentsOf: directory.path("m.safetensors"), encoding: .utf8) == "old")
        #expect(try directory.listing() == ["blocked", "blocked/curves.svg", "m.safetensors"])
    }

    @Test("checking an output leaves nothing behind and names what would fail")
    func outputCheck() throws {
        try OutputSet.checkWritable(directory.path("new/curves.csv"), expectedSize: 1 << 20)
        try OutputSet.checkWritable(directory.path("m.safetensors"))
        #expect(try directory.listing() == [])
        // No disk has a petabyte free: the probe reserves the expected size, so a full disk shows.
        let full = #expect(throws: OutputError.self) {
            try OutputSet.checkWritable(directory.path("m.safetensors"), expectedSize: 1 << 50)
        }
        #expect(full?.reason.contains("no room for \(1 << 50) bytes") == true, "\(String(describing: full))")
        let long = directory.path(String(repeating: "x", count: 300))
        let error = #expect(throws: OutputError.self) { try OutputSet.checkWritable(long) }
        #expect(error?.reason.contains("300 bytes") == true, "\(String(describing: error))")
    }

    // MARK: Divergence

    @Test("the monitor fires after exactly `patience` losses in a row above ten times the initial one")
    func divergenceMonitor() {
        var monitor = DivergenceMonitor(factor: 10, patience: 3)
        let verdicts = [2.3, 30, 40, 5, 1e5, 1e5, 1e5].map { monitor.observe($0) }
        #expect(monitor.threshold == 23)
        // The loss of 5 is below the threshold and starts the count again.
        #expect(verdicts == [false, false, false, false, false, false, true])
        var small = DivergenceMonitor()
        _ = small.observe(0.01)
        #expect(small.threshold == 10, "an initial loss below 1 counts as 1")
    }

    @Test("training whose loss stays far above its start stops with runawayLoss while every value is finite")
    func runawayTraining() throws {
        var generator = SeededGenerator(seed: 3)
        let rows = 200, features = 64
        let inputs = Tensor<Float>(shape: [rows, features],
                                   scalars: (0..<rows * features).map { _ in Float.random(in: 0...1, using: &generator) })
        let labels = (0..<rows).map { _ in Int32.random(in: 0..<10, using: &generator) }
        let data = Dataset(inputs: inputs, labels: labels, classCount: 10)
        let network = MultiLayerNet(inputSize: features, hiddenSizes: [20], outputSize: 10, backend: FastBackend(), seed: 1)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 100), trainingSet: data,
                              configuration: TrainingConfiguration(iterations: 500, batchSize: 50, seed: 2))
        var losses: [Double] = []
        let error = #expect(throws: TrainingError.self) { _ = try trainer.train(onIteration: { losses.append($1) }) }
        guard case .runawayLoss(let iteration, let loss, let initial)? = error else {
            Issue.record("expected runawayLoss, got \(String(describing: error))")
            return
        }
        #expect(loss.isFinite && loss > 10 * initial)
        #expect(iteration < 100, "caught late, at iteration \(iteration)")
        #expect(losses.suffix(19).allSatisfy { $0 > 10 * initial }, "\(losses.suffix(19))")
        #expect(error?.description.contains("smaller learning rate") == true)
    }

    @Test("chance accuracy is the share of the most common class")
    func chanceAccuracy() {
        let data = Dataset(inputs: Tensor(shape: [4, 1]), labels: [1, 1, 2, 3], classCount: 10)
        #expect(data.chanceAccuracy == 0.5)
        #expect(Dataset(inputs: Tensor(shape: [0, 1]), labels: [], classCount: 10).chanceAccuracy == nil)
    }

    // MARK: Memory

    @Test("the memory estimate counts parameters, one batch and one evaluation chunk")
    func memoryEstimate() {
        let estimate = TrainingMemory(sizes: [784, 50, 10], batchSize: 100, evaluationRows: 10_000, optimizerSlots: 2)
        // 39,760 parameters, each with a gradient and Adam's two moments, in Float.
        #expect(estimate.parameterBytes == 39_760 * 4 * 4)
        // Per row: the input, then per layer its output, its input gradient and the activation's two buffers.
        #expect(estimate.batchBytes == 100 * (784 + (50 + 784 + 100) + (10 + 50 + 20)) * 4)
        #expect(estimate.evaluationBytes == 10_000 * (100 + 20) * 4)
        let huge = TrainingMemory(sizes: [784, 2_000_000_000, 10], batchSize: 100, evaluationRows: 10_000, optimizerSlots: 0)
        #expect(huge.totalBytes > 1e13 && huge.totalBytes.isFinite)
    }

    @Test("the memory estimate counts what a run keeps per iteration and evaluation, the curves and the saved file")
    func memoryEstimateOfTheRun() {
        let bare = TrainingMemory(sizes: [784, 50, 10], batchSize: 100, evaluationRows: 10_000, optimizerSlots: 0)
        let run = TrainingMemory(sizes: [784, 50, 10], batchSize: 100, evaluationRows: 10_000, optimizerSlots: 0,
                                 iterations: 10_000, evaluations: 17, writesCurves: true, savesModel: true)
        #expect(bare.historyBytes == 0 && bare.modelFileBytes == 0)
        #expect(run.historyBytes == 10_017 * (TrainingMemory.curvesBytesPerIteration)
                + 10_000 * 24 + 17 * TrainingMemory.historyBytesPerEvaluation)
        // The encoded file and the tensors it is made from, in Float.
        #expect(run.modelFileBytes == 2 * 39_760 * 4)
        #expect(run.totalBytes == bare.totalBytes + run.historyBytes + run.modelFileBytes)
        let endless = TrainingMemory(sizes: [2, 2], batchSize: 1, evaluationRows: 1, optimizerSlots: 0,
                                     iterations: .max, evaluations: .max)
        #expect(endless.totalBytes > 1e20 && endless.totalBytes.isFinite)
    }

    @Test("the memory estimate counts convolution and pooling: outputs, argmax, im2col columns per thread, dW partial sums")
    func convolutionMemoryEstimate() {
        // 1x6x6 images → conv 2 filters 3x3 (2x4x4) → relu → pool 2 (2x2x2) → affine 3.
        let estimate = TrainingMemory(inputShape: [1, 6, 6],
                                      layers: [.convolution(filters: 2, kernel: 3), .activation(.relu),
                                               .maxPool(size: 2, stride: 2), .affine(units: 3)],
                                      batchSize: 8, evaluationRows: 10, optimizerSlots: 0, threads: 2)
        // W 2x1x3x3 and b 2, then 8x3 + 3: 47 parameters with their gradients.
        #expect(estimate.parameterBytes == 47 * 2 * 4)
        // Per image: the input 36; conv output 32 and input gradient 36; relu 2 x 32; pool output
        // 8, argmax 8 and input gradient 32; affine 3 + 8; loss 2 x 3. Per batch: 1x3x3 x 4x4
        // columns for 2 threads, forward and backward, and ceil(8 / 4) partial sums of the 18 weights.
        #expect(estimate.batchBytes == (8 * (36 + 68 + 64 + 48 + 11 + 6) + 2 * 2 * 144 + 2 * 18) * 4)
        // Evaluation: conv 32, relu 32, pool 8 + 8, affine 3, probabilities 3.
        #expect(estimate.evaluationBytes == 10 * (32 + 32 + 16 + 3 + 3) * 4)
        // The fully connected estimate is the same walk: the book's 784-50-10 as a layer list.
        let listed = TrainingMemory(inputShape: [784], layers: [.affine(units: 50), .activation(.sigmoid), .affine(units: 10)],
                                    batchSize: 100, evaluationRows: 10_000, optimizerSlots: 2)
        #expect(listed == TrainingMemory(sizes: [784, 50, 10], batchSize: 100, evaluationRows: 10_000, optimizerSlots: 2))
        // A million 5x5 filters on MNIST: their outputs, not their 25 million weights, are the cost.
        let wide = TrainingMemory(inputShape: [1, 28, 28], layers: [.convolution(filters: 1_000_000, kernel: 5),
                                                                    .activation(.relu), .affine(units: 10)],
                                  batchSize: 100, evaluationRows: 100, optimizerSlots: 0)
        #expect(wide.batchBytes > 100 * 576e6 * 4 * 4 && wide.parameterBytes > 576e7 * 4)
    }

    @Test("a run's length in iterations: epochs times iterations per epoch, nil past Int.max")
    func totalIterationsOverflow() {
        let epochs = TrainingConfiguration(epochs: .max / 5, batchSize: 10)
        #expect(epochs.iterationsPerEpoch(trainingSetSize: 45) == 5)
        #expect(epochs.totalIterations(trainingSetSize: 45) == .max / 5 * 5)
        #expect(epochs.totalIterations(trainingSetSize: 51) == nil)
        #expect(epochs.evaluationCount(trainingSetSize: 51) == nil)
        let iterations = TrainingConfiguration(iterations: 1_201, batchSize: 100)
        #expect(iterations.evaluationCount(trainingSetSize: 60_000) == 3)
        #expect(TrainingConfiguration(iterations: 1_200).evaluationCount(trainingSetSize: 60_000) == 2)
    }

    @Test("a trainer asked for Int.max iterations reserves no history for them: it runs and can be stopped")
    func endlessRunStartsSmall() throws {
        let data = Dataset(inputs: Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1]), labels: [0, 1, 1, 0],
                           classCount: 2)
        let network = MultiLayerNet(inputSize: 2, hiddenSizes: [3], outputSize: 2, backend: ReferenceBackend<Float>(),
                                    seed: 3)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1), trainingSet: data,
                              configuration: TrainingConfiguration(iterations: .max, batchSize: 2))
        let history = try trainer.train(stopAfterIteration: { iteration, _ in iteration == 4 })
        #expect(history.losses.count == 5)
        #expect(history.losses.allSatisfy { $0.isFinite })
    }

    @Test("the machine's memory is read and positive")
    func machineMemory() throws {
        let memory = try #require(MachineMemory.current())
        #expect(memory.availableBytes > 1e8, "\(memory)")
        #expect(!memory.limit.isEmpty)
    }
}
