/// A layer's working memory, held twice: once for training passes and once for inference
/// passes.
///
/// The trainer evaluates accuracy in chunks of about 1000 rows between training steps of
/// about 100 rows. With a single set of buffers every evaluation would resize them (an
/// allocation) and the next training step would resize them back; it would also overwrite
/// the cache of a training pass still waiting for its backward pass. Two sets avoid both.
struct PassBuffers<Workspace> {
    /// The buffers of training passes, which the backward pass reads.
    private(set) var training: Workspace
    /// The buffers of inference passes.
    private var inference: Workspace

    /// Both sets start as copies of `initial` (normally empty buffers that grow on first use).
    init(_ initial: Workspace) {
        training = initial
        inference = initial
    }

    /// Runs `body` with in-place access to the training or the inference set.
    mutating func withWorkspace<Result>(training isTraining: Bool,
                                        _ body: (inout Workspace) -> Result) -> Result {
        isTraining ? body(&training) : body(&inference)
    }
}
