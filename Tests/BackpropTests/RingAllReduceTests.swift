@testable import Backprop
import PropertyBased
import Testing

/// The ring all-reduce's schedule, run in one process: every rank's steps applied in lockstep
/// (all sends of a step, then all receives), as `MPI_Sendrecv` makes them happen.
@Suite("Fixed-order ring all-reduce")
struct RingAllReduceTests {
    /// The buffers of `buffers.count` ranks after the ring, and the elements each rank sent.
    static func simulate(_ buffers: [[Float]]) -> (sums: [[Float]], sent: [Int], received: [Int]) {
        let n = buffers.count
        var values = buffers
        let rings = (0..<n).map { RingAllReduce(rank: $0, processCount: n, count: buffers[0].count) }
        var sent = Array(repeating: 0, count: n), received = Array(repeating: 0, count: n)
        for index in 0..<(rings.first?.stepCount ?? 0) {
            let steps = rings.map { $0.step(index) }
            // Rank r's message goes to rank r + 1.
            let messages = (0..<n).map { Array(values[$0][steps[$0].send]) }
            for rank in 0..<n {
                let message = messages[rings[rank].previous]
                sent[rank] += steps[rank].send.count
                #expect(message.count == steps[rank].receive.count, "step \(index) of rank \(rank) of \(n)")
                received[rank] += message.count
                message.withUnsafeBufferPointer { received in
                    values[rank].withUnsafeMutableBufferPointer { buffer in
                        storeRingStep(received, adding: steps[rank].adds,
                                      into: UnsafeMutableBufferPointer(rebasing: buffer[steps[rank].receive]))
                    }
                }
            }
        }
        return (values, sent, received)
    }

    @Test("Every rank ends with the same bits: each slice summed from its own rank around the ring, left to right")
    func sumsInTheDocumentedOrder() async {
        let input = zip(Gen.int(in: 1...6), Gen.int(in: 0...40), Gen.int(in: 0...1_000_000))
        await propertyCheck(count: 200, input: input) { processes, count, seed in
            var generator = SeededGenerator(seed: UInt64(seed))
            // Magnitudes far apart, so another order of the additions gives other bits.
            let buffers = (0..<processes).map { _ in
                (0..<count).map { _ in Float.random(in: -1...1, using: &generator) * Float(1 << Int.random(in: 0...24, using: &generator)) }
            }
            let (sums, sent, received) = Self.simulate(buffers)
            let ring = RingAllReduce(rank: 0, processCount: processes, count: count)
            var expected = [Float](repeating: 0, count: count)
            for slice in 0..<processes {
                for i in ring.slice(slice) {
                    var sum = buffers[slice][i]
                    for offset in 1..<max(processes, 1) { sum = sum + buffers[(slice + offset) % processes][i] }
                    expected[i] = sum
                }
            }
            for rank in 0..<processes {
                #expect(sums[rank].map(\.bitPattern) == expected.map(\.bitPattern), "rank \(rank) of \(processes), \(count) elements")
                let schedule = RingAllReduce(rank: rank, processCount: processes, count: count)
                #expect(sent[rank] == schedule.elementsSent && received[rank] == schedule.elementsReceived)
                // 2 (N − 1) / N of the buffer, and at most 2 elements more for uneven slices.
                let ring = 2 * Double(processes - 1) / Double(processes) * Double(count)
                #expect(Double(sent[rank]) <= ring + 2 && Double(received[rank]) <= ring + 2)
            }
        }
    }

    @Test("Four ranks of five elements: the slices and the steps of rank 1")
    func stepsOfOneRank() {
        let ring = RingAllReduce(rank: 1, processCount: 4, count: 5)
        #expect((0..<4).map(ring.slice) == [0..<2, 2..<3, 3..<4, 4..<5])
        #expect((ring.previous, ring.next) == (0, 2))
        #expect((0..<6).map(ring.step) == [
            .init(send: 2..<3, receive: 0..<2, adds: true),  // slice 1 out, slice 0 in
            .init(send: 0..<2, receive: 4..<5, adds: true),
            .init(send: 4..<5, receive: 3..<4, adds: true),  // slice 2 (3..<4) is now whole here
            .init(send: 3..<4, receive: 2..<3, adds: false),
            .init(send: 2..<3, receive: 0..<2, adds: false),
            .init(send: 0..<2, receive: 4..<5, adds: false),
        ])
        // Every slice but 2 in the reduce-scatter, every slice but 3 in the all-gather: 4 + 4;
        // every slice but 1, then every slice but 2, in: 4 + 4.
        #expect(ring.elementsSent == 8 && ring.elementsReceived == 8)
    }

    @Test("Shares cut in order, the first ones one longer")
    func shares() {
        #expect((0..<3).map { Shares.share(of: 10, part: $0, parts: 3) } == [0..<4, 4..<7, 7..<10])
        #expect((0..<4).map { Shares.share(of: 2, part: $0, parts: 4) } == [0..<1, 1..<2, 2..<2, 2..<2])
    }
}
