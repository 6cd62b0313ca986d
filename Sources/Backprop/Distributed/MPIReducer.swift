#if MPI
import CMPI

/// A ``GradientReducer`` over Open MPI's `MPI_COMM_WORLD` (the `MPI` package trait): the
/// processes `mpirun -np N` starts, on one machine or many.
///
/// Sums are deterministic: each process's buffer is gathered to every process
/// (`MPI_Allgather`, one fused buffer per call) and added locally in rank order, so every
/// process gets the same bits whatever reduction algorithm MPI would have picked, and two runs
/// with the same process count give the same weights.
///
/// Errors are fatal, as MPI's default handler makes them: a process that dies ends the job.
public final class MPIReducer: GradientReducer {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The size of `MPI_COMM_WORLD`.
    public let processCount: Int
    private var gatheredDoubles: [Double] = []
    private var gatheredFloats: [Float] = []

    /// Initializes MPI (once per process) and joins `MPI_COMM_WORLD`.
    public init() {
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

    public func sumInRankOrder(_ values: inout [Double]) {
        allgatherSum(&values, type: bp_mpi_double(), scratch: &gatheredDoubles)
    }

    public func sumInRankOrder(_ values: inout [Float]) {
        allgatherSum(&values, type: bp_mpi_float(), scratch: &gatheredFloats)
    }

    /// Every process's `values` gathered into `scratch` (rank r's at r · count), then added in
    /// rank order into `values`.
    private func allgatherSum<Element: BinaryFloatingPoint>(_ values: inout [Element], type: MPI_Datatype,
                                                            scratch: inout [Element]) {
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
