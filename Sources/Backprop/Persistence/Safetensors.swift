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
            guard file.count >= 8 else {
                throw SafetensorsError.missingHeaderLength(path: source, byteCount: file.count)
            }
            let headerLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
            guard headerLength <= UInt64(file.count - 8) else {
                throw SafetensorsError.headerLengthBeyondFile(path: source, headerLength: headerLength,
                                                              fileSize: file.count)
            }
            guard headerLength <= UInt64(maximumHeaderLength) else {
                throw SafetensorsError.headerTooLarge(path: source, headerLength: headerLength,
                                                      limit: maximumHeaderLength)
            }
            let dataStart = 8 + Int(headerLength)
            let header = try SafetensorsHeader(decoding: file[8 ..< dataStart], dataSize: file.count - dataStart,
                                               source: source)
            var tensors: [String: Tensor<Float>] = [:]
            var converted: [String: SafetensorsDType] = [:]
            for entry in header.entries {
                let size = entry.dtype.byteCount
                let count = entry.bytes.count / size
                let start = dataStart + entry.bytes.lowerBound
                let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for i in 0 ..< count {
                        buffer[i] = entry.dtype.load(from: file, at: start + size * i)
                    }
                    initialized = count
                }
                tensors[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
                if entry.dtype != .f32 { converted[entry.name] = entry.dtype }
            }
            return SafetensorsFile(source: source, names: header.entries.map(\.name), tensors: tensors,
                                   metadata: header.metadata, convertedTensors: converted)
        }
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

    /// Reads the safetensors file at `url`. Throws ``FileError`` or ``SafetensorsError``
    /// naming the file.
    public static func load(from url: URL) throws -> SafetensorsFile {
        try decode(Data(ReadableFile(url).readToEnd()), source: url.path)
    }
}
