import Backprop
import Foundation

/// The checks `train` makes once the data is loaded and before the network exists: sizes
/// that cannot work are refused with one line naming the option, instead of a run that
/// evaluates everything every step or aborts in an allocation.
enum TrainingPreflight {
    /// What the run is asked to do, beyond the network's sizes: its batch size, length and
    /// optimizer, and what it writes at the end.
    struct Run {
        var batchSize: Int
        var optimizerSlots: Int
        var configuration: TrainingConfiguration
        /// The option that set the run's length, as typed: "--iterations 10000", "--epochs 5".
        var lengthOption: String
        var writesCurves = false
        var savesModel = false
        /// What the data's samples are, for messages: MNIST's "images", a CSV file's "rows".
        var samples = "images"
    }

    /// Refuses a batch larger than the training set (every epoch would be one iteration, so
    /// every iteration would evaluate both whole sets), a length that does not fit in an
    /// `Int` of iterations, and a run whose memory estimate exceeds what this process can
    /// allocate; the option blamed is the one whose share of the estimate is largest.
    /// The network is `layers` taking samples of `inputShape`; convolutions and pooling count
    /// what they keep for the batch and per thread (``FastBackend/threadCount``).
    static func check(inputShape: [Int], layers: [LayerSpec], sizeOption: String, run: Run, trainingSet: Dataset,
                      testSet: Dataset, validationSet: Dataset? = nil,
                      memory: MachineMemory? = MachineMemory.current()) throws {
        let batchSize = run.batchSize
        guard batchSize <= trainingSet.count else {
            throw CommandError("--batch-size \(batchSize) is larger than the \(trainingSet.count) training \(run.samples)")
        }
        let configuration = run.configuration
        guard let iterations = configuration.totalIterations(trainingSetSize: trainingSet.count),
              let evaluations = configuration.evaluationCount(trainingSetSize: trainingSet.count) else {
            throw CommandError("\(run.lengthOption) at \(configuration.iterationsPerEpoch(trainingSetSize: trainingSet.count)) "
                               + "iterations per epoch is more iterations than a run can count (\(Int.max))")
        }
        let evaluationRows = min(configuration.evaluationChunkSize,
                                 max(trainingSet.count, testSet.count, validationSet?.count ?? 0))
        let estimate = TrainingMemory(inputShape: inputShape, layers: layers, batchSize: batchSize,
                                      evaluationRows: evaluationRows, optimizerSlots: run.optimizerSlots,
                                      iterations: iterations, evaluations: evaluations, writesCurves: run.writesCurves,
                                      savesModel: run.savesModel, threads: FastBackend.threadCount)
        // The trainer keeps the validation set cut into chunks: a copy of its inputs.
        let copies = Double(validationSet?.count ?? 0) * Double(trainingSet.featureCount) * 4
        let total = estimate.totalBytes + copies
        try requireMemory(total, shares: [(sizeOption, estimate.parameterBytes + estimate.evaluationBytes
                                                                   + estimate.modelFileBytes),
                                           ("--batch-size \(batchSize)", estimate.batchBytes),
                                           (run.lengthOption, estimate.historyBytes)],
                          memory: memory)
    }

    /// Refuses `bytes` when they exceed what `memory` has left, blaming the option of the
    /// largest of `shares` (each an option as typed and the bytes it accounts for).
    static func requireMemory(_ bytes: Double, shares: [(option: String, bytes: Double)],
                              memory: MachineMemory? = MachineMemory.current()) throws {
        guard let memory, bytes > memory.availableBytes else { return }
        let option = shares.max { $0.bytes < $1.bytes }!.option
        throw CommandError("\(option) needs about \(gigabytes(bytes)) of memory, "
                           + "more than the \(gigabytes(max(memory.availableBytes, 0))) left (limit: \(memory.limit))")
    }

    /// The size of the model file for `sizes`: four bytes per parameter and room for the header.
    /// Computed in `Double` and capped at a petabyte, so absurd sizes cannot overflow.
    static func modelBytes(sizes: [Int]) -> Int {
        let bytes = zip(sizes, sizes.dropFirst()).reduce(4096.0) { $0 + 4 * (Double($1.0) * Double($1.1) + Double($1.1)) }
        return Int(min(bytes, 1e15))
    }

    static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.1f GB", bytes / 1e9)
    }
}
