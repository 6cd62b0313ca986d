import Testing

/// The parent of every suite whose tests switch the C core's instruction set (`ck_set_isa`)
/// or thread bound (`ck_set_num_threads`). Both are process-wide, so these tests must never
/// overlap; `.serialized` applies to every suite nested here, whichever file declares it.
@Suite(.serialized)
enum SerializedCoreTests {}
