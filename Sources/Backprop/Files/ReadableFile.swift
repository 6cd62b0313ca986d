import Foundation

/// A file opened for reading, read in pieces or whole: the one way the loaders of IDX data
/// and safetensors models read files, so both report a missing, unreadable or unsuitable
/// file the same way (``FileError``) and can stop reading once they have what they need.
final class ReadableFile: ByteStream {
    /// The file, for error messages.
    let url: URL
    /// Its size in bytes when it was opened.
    let size: Int
    private let descriptor: Int32

    /// Opens the file at `url`. Throws ``FileError`` when it is missing, a directory, not a
    /// regular file or cannot be opened.
    ///
    /// A FIFO, a socket or a device is refused before it is opened: opening a FIFO blocks
    /// until someone writes to it, and `/dev/zero` or `/dev/urandom` never end.
    init(_ url: URL) throws(FileError) {
        switch FileKind(of: url) {
        case .missing: throw .missingFile(path: url.path)
        case .directory: throw .notAFile(path: url.path)
        case .file: break
        }
        if let kind = SpecialFile(at: url.path, followingSymlinks: true) {
            throw .notARegularFile(path: url.path, kind: kind.description)
        }
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: url.path, reason: Self.systemError()) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.systemError()
            close(descriptor)
            throw .unreadable(path: url.path, reason: reason)
        }
        self.url = url
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The next bytes of the file, at most `count` of them: fewer only at the end of the file.
    func read(upTo count: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let filled = try fill(&bytes, from: 0)
        bytes.removeLast(count - filled)
        return bytes
    }

    /// The rest of the file, in one buffer of its size (grown only if the file grew).
    func readToEnd() throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(size, 0) + 1)
        var filled = 0
        while true {
            filled = try fill(&bytes, from: filled)
            if filled < bytes.count {
                bytes.removeLast(bytes.count - filled)
                return bytes
            }
            bytes += repeatElement(0, count: bytes.count)
        }
    }

    /// Reads into `bytes[start...]` until it is full or the file ends; returns the index
    /// after the last byte read.
    func fill(_ bytes: inout [UInt8], from start: Int) throws(FileError) -> Int {
        var failure: FileError?
        let end = bytes.withUnsafeMutableBytes { buffer -> Int in
            do throws(FileError) {
                return start + (try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...])))
            } catch {
                failure = error
                return start
            }
        }
        if let failure { throw failure }
        return end
    }

    /// Reads into `buffer` until it is full or the file ends; returns the number of bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = Foundation.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: url.path, reason: Self.systemError())
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
