import Backprop
import Testing

/// Pins the exact result of training: a digest of every weight bit after short runs, recorded
/// before a refactoring of the network, the losses, the optimizers or the kernels' plumbing.
/// A change of structure must leave these digests as they are; a change that is meant to alter
/// results (another summation order, another initializer) has to update them on purpose.
@Suite("Training results are pinned by digests")
struct TrainingDigestTests {
    /// FNV-1a over the parameters' bit patterns and the minibatch losses, in order.
    static func digest(_ run: MNISTTrainingRun) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash = (hash ^ ((value >> UInt64(shift)) & 0xff)) &* 0x0000_0100_0000_01b3
            }
        }
        for tensor in run.parameters { for bits in tensor { mix(UInt64(bits)) } }
        for loss in run.losses { mix(loss) }
        return hash
    }

    /// The book's TwoLayerNet (784-50-10, ReLU, std 0.01, SGD lr 0.1, batch 100) with the CLI's
    /// default seed, 60 iterations on the MNIST slice.
    @Test("The book's network with the default seed trains to the recorded weights")
    func bookNetwork() throws {
        let run = try MNISTTrainingRun.book(seed: 42, iterations: 60)
        #expect(Self.digest(run) == 0x03ed_09ed_ff64_0f3b, "digest \(String(Self.digest(run), radix: 16))")
    }

    /// The data-parallel step (shard, exchange, shared evaluation) on one process changes
    /// nothing: the sums have one term and the shard weight is 1.
    @Test("Training through the gradient exchange of one process gives the recorded weights")
    func singleProcessExchange() throws {
        let run = try MNISTTrainingRun.book(seed: 42, iterations: 60, reducer: SingleProcess())
        #expect(Self.digest(run) == 0x03ed_09ed_ff64_0f3b, "digest \(String(Self.digest(run), radix: 16))")
        #expect(run == (try MNISTTrainingRun.book(seed: 42, iterations: 60)))
    }

    @Test("Each determinism workload trains to the recorded weights",
          arguments: zip(MNISTTrainingRun.Configuration.allCases, [UInt64(0xbfc0_b766_c029_4554), 0xc331_652f_91c4_ea2e]))
    func workloads(_ configuration: MNISTTrainingRun.Configuration, expected: UInt64) throws {
        let run = try MNISTTrainingRun(configuration, seed: 5)
        #expect(Self.digest(run) == expected, "digest \(String(Self.digest(run), radix: 16))")
    }
}
