#if MPI
import CMPI

/// A ``GradientReducer`` over Open MPI's `MPI_COMM_WORLD` (the `MPI` package trait): the
/// processes `mpirun -np N` starts, on one machine or many.
///
/// Sums are deterministic whatever reduction algorithm MPI would have picked: `MPI_Allreduce`
/// does not promise an order, so the sums are made here from point-to-point calls, in an order
/// fixed by the process count and the buffer's length.
/// - ``ExchangeAlgorithm/ring``: a ring reduce-scatter and all-gather of `MPI_Sendrecv` calls
///   (`RingAllReduce`): each process sends and receives 2 (N − 1) / N of the buffer.
/// - ``ExchangeAlgorithm/allGather``: every buffer gathered to every process (`MPI_Allgather`)
///   and added locally in rank order: (N − 1) × the buffer in, in one collective call.
/// The ring is the default (why: ``ExchangeAlgorithm``).
///
/// Errors are fatal, as MPI's default handler makes them: a process that dies ends the job.
public final class MPIReducer: GradientReducer {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The size of `MPI_COMM_WORLD`.
    public let processCount: Int
    /// The algorithm of every sum. Every process must have the same; set it before the first
    /// sum, or at the same point on every process.
    public var algorithm: ExchangeAlgorithm
    private var scratchDoubles: [Double] = []
    private var scratchFloats: [Float] = []

    /// Initializes MPI (once per process) and joins `MPI_COMM_WORLD`. Every process must pass
    /// the same `algorithm`.
    public init(algorithm: ExchangeAlgorithm = .ring) {
        self.algorithm = algorithm
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            MPI_Init(nil, nil)
        }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(bp_mpi_comm_world(), &rank)
        MPI_Comm_size(bp_mpi_comm_world(), &size)
        self.rank = Int(rank)
        self.processCount = Int(size)
    }

    /// Ends MPI for this process; call once, after the last collective operation.
    public static func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    /// Ends every process of the job with `code` (what a failed rank does so no process waits forever).
    public static func abort(code: Int32) -> Never {
        MPI_Abort(bp_mpi_comm_world(), code)
        fatalError("MPI_Abort returned")
    }

    @discardableResult
    public func sumAcrossProcesses(_ values: inout [Double]) -> ExchangeTraffic {
        sum(&values, type: bp_mpi_double(), scratch: &scratchDoubles)
    }

    @discardableResult
    public func sumAcrossProcesses(_ values: inout [Float]) -> ExchangeTraffic {
        sum(&values, type: bp_mpi_float(), scratch: &scratchFloats)
    }

    private func sum<Element: BinaryFloatingPoint>(_ values: inout [Element], type: MPI_Datatype,
                                                   scratch: inout [Element]) -> ExchangeTraffic {
        guard processCount > 1 && !values.isEmpty else { return ExchangeTraffic() }
        switch algorithm {
        case .ring: return ringSum(&values, type: type, scratch: &scratch)
        case .allGather: return allgatherSum(&values, type: type, scratch: &scratch)
        }
    }

    /// The `RingAllReduce` schedule, one `MPI_Sendrecv` per step into `scratch`, then added
    /// to or copied into `values`.
    private func ringSum<Element: BinaryFloatingPoint>(_ values: inout [Element], type: MPI_Datatype,
                                                       scratch: inout [Element]) -> ExchangeTraffic {
        let ring = RingAllReduce(rank: rank, processCount: processCount, count: values.count)
        let longest = ring.slice(0).count
        if scratch.count < longest { scratch = Array(repeating: 0, count: longest) }
        let tag: Int32 = 23
        values.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { received in
                for index in 0..<ring.stepCount {
                    let step = ring.step(index)
                    check(MPI_Sendrecv(buffer.baseAddress! + step.send.lowerBound, Int32(step.send.count), type,
                                       Int32(ring.next), tag,
                                       received.baseAddress, Int32(step.receive.count), type,
                                       Int32(ring.previous), tag, bp_mpi_comm_world(), bp_mpi_status_ignore()),
                          "MPI_Sendrecv")
                    storeRingStep(UnsafeBufferPointer(rebasing: received[0..<step.receive.count]), adding: step.adds,
                                  into: UnsafeMutableBufferPointer(rebasing: buffer[step.receive]))
                }
            }
        }
        return ExchangeTraffic(bytesSent: ring.elementsSent * MemoryLayout<Element>.stride,
                               bytesReceived: ring.elementsReceived * MemoryLayout<Element>.stride)
    }

    /// Every process's `values` gathered into `scratch` (rank r's at r · count), then added in
    /// rank order into `values`. Any all-gather moves at least (N − 1) × the buffer in and out
    /// of each process; that is the traffic reported.
    private func allgatherSum<Element: BinaryFloatingPoint>(_ values: inout [Element], type: MPI_Datatype,
                                                            scratch: inout [Element]) -> ExchangeTraffic {
        let count = values.count
        if scratch.count != count * processCount { scratch = Array(repeating: 0, count: count * processCount) }
        values.withUnsafeBufferPointer { send in
            scratch.withUnsafeMutableBufferPointer { receive in
                check(MPI_Allgather(send.baseAddress, Int32(count), type,
                                    receive.baseAddress, Int32(count), type, bp_mpi_comm_world()), "MPI_Allgather")
            }
        }
        scratch.withUnsafeBufferPointer { all in
            values.withUnsafeMutableBufferPointer { sums in
                addInRankOrder(all, processes: processCount, into: sums)
            }
        }
        let bytes = (processCount - 1) * count * MemoryLayout<Element>.stride
        return ExchangeTraffic(bytesSent: bytes, bytesReceived: bytes)
    }

    public func broadcast(_ values: inout [Double], from root: Int) {
        let count = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            check(MPI_Bcast(buffer.baseAddress, count, bp_mpi_double(), Int32(root), bp_mpi_comm_world()), "MPI_Bcast")
        }
    }

    public func gather(_ bytes: [UInt8]) -> [[UInt8]] {
        let count = bytes.count
        var all = [UInt8](repeating: 0, count: count * processCount)
        bytes.withUnsafeBufferPointer { send in
            all.withUnsafeMutableBufferPointer { receive in
                check(MPI_Allgather(send.baseAddress, Int32(count), bp_mpi_byte(),
                                    receive.baseAddress, Int32(count), bp_mpi_byte(), bp_mpi_comm_world()), "MPI_Allgather")
            }
        }
        return (0..<processCount).map { Array(all[$0 * count ..< ($0 + 1) * count]) }
    }

    private func check(_ status: Int32, _ call: StaticString) {
        if status != bp_mpi_success() {
            preconditionFailure("\(call) failed with MPI error \(status)")
        }
    }
}
/// sums[i] = all[i] + all[count + i] + … in rank order, count = sums.count.
@_specialize(where Element == Float)
@_specialize(where Element == Double)
private func addInRankOrder<Element: BinaryFloatingPoint>(_ all: UnsafeBufferPointer<Element>, processes: Int,
                                                          into sums: UnsafeMutableBufferPointer<Element>) {
    let count = sums.count
    for i in 0..<count { sums[i] = all[i] }
    for process in 1..<max(processes, 1) {
        let base = process * count
        for i in 0..<count { sums[i] += all[base + i] }
    }
}
#endif
