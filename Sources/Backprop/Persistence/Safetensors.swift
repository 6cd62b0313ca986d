import Foundation

/// Reads and writes the safetensors format (https://huggingface.co/docs/safetensors), so that
/// trained weights can be inspected and reused from Python with nothing but NumPy.
///
/// A file is an 8-byte little-endian header length N, N bytes of JSON describing each tensor
/// (`{"W1": {"dtype": "F32", "shape": [784, 50], "data_offsets": [0, 156800]}, ...,
/// "__metadata__": {...}}`), then the tensors' elements as little-endian 32-bit floats.
public enum Safetensors {
    /// The largest JSON header accepted, 100,000,000 bytes: the reference implementation's
    /// `MAX_HEADER_SIZE`. A real header is a few hundred bytes per tensor; a larger one is
    /// damage or an attempt to make the reader parse gigabytes of JSON.
    public static let maximumHeaderLength = 100_000_000

    /// The bytes of a safetensors file holding `tensors`, stored in the given order.
    /// Names must be unique, non-empty and not `__metadata__`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor<Float>)],
                              metadata: [String: String] = [:]) -> Data {
        let names = tensors.map(\.name)
        precondition(Set(names).count == names.count, "Safetensors.encode: duplicate tensor names in \(names)")
        precondition(!names.contains("") && !names.contains(SafetensorsHeader.metadataKey),
                     "Safetensors.encode: tensor names must be non-empty and not \(SafetensorsHeader.metadataKey)")
        let header = SafetensorsHeader(layout: tensors.map { ($0.name, $0.tensor.shape) }, metadata: metadata)
        let json = header.encoded()
        var data = Data(count: 8 + json.count + header.dataSize)
        data.withUnsafeMutableBytes { file in
            file.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self)
            file.baseAddress!.advanced(by: 8).copyMemory(from: json, byteCount: json.count)
            for ((_, tensor), entry) in zip(tensors, header.entries) {
                let start = 8 + json.count + entry.bytes.lowerBound
                tensor.withUnsafeBufferPointer { elements in
                    for (i, element) in elements.enumerated() {
                        file.storeBytes(of: element.bitPattern.littleEndian, toByteOffset: start + 4 * i,
                                        as: UInt32.self)
                    }
                }
            }
        }
        return data
    }

    /// Parses the bytes of a safetensors file; `source` names it in errors.
    ///
    /// Throws ``SafetensorsError`` when the file is truncated, its header length or JSON is
    /// invalid or longer than ``maximumHeaderLength``, a tensor's dtype is not one of
    /// ``SafetensorsDType`` (F64, F16 and BF16 are converted to F32), or the byte ranges do not
    /// match the shapes or do not tile the data section exactly.
    public static func decode(_ data: Data, source: String = "in-memory safetensors data") throws -> SafetensorsFile {
        try data.withUnsafeBytes { file in
            try read(source: source, size: file.count) { offset, count, body in
                try body(UnsafeRawBufferPointer(rebasing: file[offset ..< offset + count]))
            }
        }
    }

    /// Reads the safetensors file at `url` header first: the 8-byte length, then the header,
    /// which is validated against the file's size before any tensor is read; then each
    /// tensor's bytes in turn, converted as they arrive. Memory stays near the size of the
    /// model's Float tensors (plus a piece of 1 MiB being read): a damaged header costs no more than
    /// itself, and a huge file with a valid header is read once, not copied whole twice.
    ///
    /// Throws ``FileError`` or ``SafetensorsError`` naming the file:
    /// ``SafetensorsError/exceedsMemory(path:part:neededBytes:availableBytes:limit:)`` when the
    /// model's tensors, or the parse of its header (about ``headerParseBytesPerByte`` bytes per
    /// header byte), would not fit in what this process can still allocate (`memory`).
    public static func load(from url: URL, memory: MachineMemory? = MachineMemory.current()) throws -> SafetensorsFile {
        let file = try ReadableFile(url)
        return try read(source: url.path, size: file.size, memory: memory) { _, count, body in
            let bytes = try file.read(upTo: count)
            // The file shrank since it was opened.
            guard bytes.count == count else {
                throw SafetensorsError.truncatedBody(path: url.path, expectedBytes: count, actualBytes: bytes.count)
            }
            try bytes.withUnsafeBytes(body)
        }
    }

    /// The most bytes of tensor data ``load(from:memory:)`` reads at a time (1 MiB).
    static let readPieceBytes = 1 << 20

    /// The parse of a header takes at most about this many bytes per byte of JSON: one entry
    /// (name, shape, byte range) per tensor and the set of names seen. A legal 87 MB header of
    /// 1.2 million one-element tensors peaks at 294 MB for the whole `convert` run, tensors
    /// included (Foundation's `JSONSerialization`, used before, took 4.96 GB).
    public static let headerParseBytesPerByte = 4.0

    /// The steps of reading a file of `size` bytes, shared by files and bytes in memory:
    /// `withBytes(offset, count, body)` calls `body` with the file's bytes `offset ..< offset +
    /// count`, asked for in order (the length, the header, then each tensor in data order).
    /// With `memory`, a header or a model too large for it is refused before it is read.
    private static func read(
        source: String, size: Int, memory: MachineMemory? = nil,
        withBytes: (_ offset: Int, _ count: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws -> SafetensorsFile {
        func bytes<Result>(_ offset: Int, _ count: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
            var result: Result?
            try withoutActuallyEscaping(body) { body in try withBytes(offset, count) { result = try body($0) } }
            return result!
        }
        func requireMemory(_ needed: Double, for part: String) throws {
            guard let memory, needed > memory.availableBytes else { return }
            throw SafetensorsError.exceedsMemory(path: source, part: part, neededBytes: needed,
                                                 availableBytes: max(memory.availableBytes, 0), limit: memory.limit)
        }
        guard size >= 8 else { throw SafetensorsError.missingHeaderLength(path: source, byteCount: max(size, 0)) }
        let headerLength = try bytes(0, 8) { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(size - 8) else {
            throw SafetensorsError.headerLengthBeyondFile(path: source, headerLength: headerLength, fileSize: size)
        }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw SafetensorsError.headerTooLarge(path: source, headerLength: headerLength, limit: maximumHeaderLength)
        }
        let dataStart = 8 + Int(headerLength), dataSize = size - dataStart
        try requireMemory(Double(headerLength) * headerParseBytesPerByte, for: "its header of \(headerLength) bytes")
        let header = try bytes(8, Int(headerLength)) {
            try SafetensorsHeader(decoding: $0, dataSize: dataSize, source: source)
        }
        // The tensors as Float, whatever their dtype; they are read in pieces of at most
        // readPieceBytes, so the bytes in flight stay small beside them.
        let floatBytes = header.entries.reduce(0.0) { $0 + Double($1.bytes.count / $1.dtype.byteCount) * 4 }
        try requireMemory(floatBytes + Double(readPieceBytes), for: "its \(header.entries.count) tensors")
        var tensors: [String: Tensor<Float>] = [:]
        var converted: [String: SafetensorsDType] = [:]
        for entry in header.entries {
            let size = entry.dtype.byteCount
            let count = entry.bytes.count / size
            let piece = max(readPieceBytes / size, 1)
            let scalars = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for first in stride(from: 0, to: count, by: piece) {
                    let elements = min(piece, count - first)
                    try withBytes(dataStart + entry.bytes.lowerBound + first * size, elements * size) { bytes in
                        for i in 0 ..< elements {
                            buffer[first + i] = entry.dtype.load(from: bytes, at: size * i)
                        }
                    }
                    initialized = first + elements
                }
            }
            tensors[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
            if entry.dtype != .f32 { converted[entry.name] = entry.dtype }
        }
        return SafetensorsFile(source: source, names: header.entries.map(\.name), tensors: tensors,
                               metadata: header.metadata, convertedTensors: converted)
    }

    /// Writes `tensors` and `metadata` to `url` atomically: the data goes to a temporary file
    /// `.NAME.<UUID>.partial` in the same directory, which is then renamed over `url`, so an
    /// interrupted save never destroys the file that was there. Only a regular file is
    /// replaced: a FIFO, a socket or a device at `url` is refused. A symbolic link is written
    /// through (the file it points to is replaced, the link stays); a link to nothing is
    /// refused. Temporary files a killed save of the same target left behind are removed.
    /// Throws ``SafetensorsError/writeFailed(path:reason:)``.
    public static func save(_ tensors: [(name: String, tensor: Tensor<Float>)],
                            metadata: [String: String] = [:], to url: URL) throws {
        let data = encode(tensors, metadata: metadata)
        do {
            try AtomicFile.replaceContents(of: url, with: data)
        } catch {
            throw SafetensorsError.writeFailed(path: url.path, reason: error.reason)
        }
    }

}
