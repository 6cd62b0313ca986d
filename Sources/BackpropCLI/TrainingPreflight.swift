import Backprop
import Foundation

/// The checks `train` makes once the data is loaded and before the network exists: sizes
/// that cannot work are refused with one line naming the option, instead of a run that
/// evaluates everything every step or aborts in an allocation.
enum TrainingPreflight {
    /// Refuses a batch larger than the training set (every epoch would be one iteration, so
    /// every iteration would evaluate both whole sets) and a run whose memory estimate
    /// exceeds what this process can allocate; the option blamed is the one whose buffers
    /// dominate the estimate.
    static func check(sizes: [Int], sizeOption: String, batchSize: Int, optimizerSlots: Int, trainingSet: Dataset, testSet: Dataset,
                      evaluationChunkSize: Int, memory: MachineMemory? = MachineMemory.current()) throws {
        guard batchSize <= trainingSet.count else {
            throw CommandError("--batch-size \(batchSize) is larger than the \(trainingSet.count) training images")
        }
        let estimate = TrainingMemory(sizes: sizes, batchSize: batchSize,
                                      evaluationRows: min(evaluationChunkSize, max(trainingSet.count, testSet.count)),
                                      optimizerSlots: optimizerSlots)
        guard let memory, estimate.totalBytes > memory.availableBytes else { return }
        let option = estimate.batchBytes > estimate.parameterBytes + estimate.evaluationBytes
            ? "--batch-size \(batchSize)"
            : sizeOption
        throw CommandError("\(option) needs about \(gigabytes(estimate.totalBytes)) of memory, "
                           + "more than the \(gigabytes(max(memory.availableBytes, 0))) left (limit: \(memory.limit))")
    }

    /// The size of the model file for `sizes`: four bytes per parameter and room for the header.
    /// Computed in `Double` and capped at a petabyte, so absurd sizes cannot overflow.
    static func modelBytes(sizes: [Int]) -> Int {
        let bytes = zip(sizes, sizes.dropFirst()).reduce(4096.0) { $0 + 4 * (Double($1.0) * Double($1.1) + Double($1.1)) }
        return Int(min(bytes, 1e15))
    }

    private static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.1f GB", bytes / 1e9)
    }
}
