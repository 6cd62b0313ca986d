import CKernels

extension Array where Element: BitwiseCopyable {
    /// An array of `count` elements that `initialize` sets (every one of them), whose memory the
    /// system is asked to back with huge pages before anything is written to it.
    ///
    /// For large arrays that are read at random, such as a training set whose minibatches are
    /// gathered from random rows: with 4 KiB pages nearly every row read costs a TLB miss and a
    /// page walk. Advice must come before the first write, which is why this builds the array
    /// rather than advising an existing one. Where huge pages are unavailable, the array is an
    /// ordinary one.
    static func hugePageBacked(count: Int,
                               initializingWith initialize: (UnsafeMutableBufferPointer<Element>) -> Void) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = ck_advise_huge_pages(buffer.baseAddress, count * MemoryLayout<Element>.stride)
            initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }
}
