extension Duration {
    /// The duration in seconds as a `Double`: what progress lines, epoch records and timing
    /// summaries print, where `Duration`'s exact (seconds, attoseconds) pair is more than needed.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
