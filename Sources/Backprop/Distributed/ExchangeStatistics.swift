/// The bytes one process moved in a sum across processes: what data parallelism puts on the
/// network, which a user can check against the 2 (N − 1) / N × the buffer of a ring all-reduce.
public struct ExchangeTraffic: Equatable, Sendable {
    /// The bytes this process sent.
    public var bytesSent: Int
    /// The bytes this process received.
    public var bytesReceived: Int

    /// Traffic of `bytesSent` out and `bytesReceived` in (none by default).
    public init(bytesSent: Int = 0, bytesReceived: Int = 0) {
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// The elementwise sum: the traffic of two exchanges.
    public static func + (lhs: ExchangeTraffic, rhs: ExchangeTraffic) -> ExchangeTraffic {
        ExchangeTraffic(bytesSent: lhs.bytesSent + rhs.bytesSent, bytesReceived: lhs.bytesReceived + rhs.bytesReceived)
    }
}

/// What the gradient exchange of a data-parallel run cost per step, for a user to check
/// against the arithmetic and the network (``Trainer/exchangeStatistics()``).
public struct ExchangeStatistics: Equatable, Sendable {
    /// The bytes of one process's whole gradient.
    public var gradientBytes: Int
    /// The mean bytes a process sent per step, the largest over the processes.
    public var bytesSentPerStep: Double
    /// The mean bytes a process received per step, the largest over the processes.
    public var bytesReceivedPerStep: Double
    /// The mean time per step in the exchange (filling the buffer, the sum across processes,
    /// storing back), the largest over the processes.
    public var secondsPerStep: Double

    /// Figures of one run.
    public init(gradientBytes: Int, bytesSentPerStep: Double, bytesReceivedPerStep: Double, secondsPerStep: Double) {
        self.gradientBytes = gradientBytes
        self.bytesSentPerStep = bytesSentPerStep
        self.bytesReceivedPerStep = bytesReceivedPerStep
        self.secondsPerStep = secondsPerStep
    }
}
