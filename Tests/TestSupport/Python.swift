import Foundation

/// Runs inline Python scripts, for tests that check files against an independent reader
/// (shared by BackpropTests and CLITests).
public enum Python {
    /// Whether `python3` runs and can import NumPy; interop tests are skipped otherwise.
    public static let hasNumPy: Bool = (try? run("import numpy"))?.status == 0

    /// Runs `python3 -c script arguments...` and returns its exit status and standard output
    /// (standard error is appended, so a failing script explains itself in the test log).
    public static func run(_ script: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

extension Python {
    /// Python functions that write and read safetensors files with nothing but numpy, the
    /// way numpy users and `safetensors.torch.save_file` lay them out; prepend to a script.
    ///
    /// - `save_safetensors(path, tensors, metadata=None)`: `tensors` is a list of
    ///   `(name, array)`; float32, float64 and float16 arrays are stored as F32, F64, F16, and
    ///   `(name, ("BF16", uint16_array))` as BF16 bit patterns.
    /// - `load_safetensors(path)`: `(tensors, metadata)`, `tensors` a dict of name to
    ///   `(dtype, array)`, with BF16 widened to float32.
    public static let safetensorsFunctions = """
    import json, struct
    import numpy as np

    def save_safetensors(path, tensors, metadata=None):
        header = {'__metadata__': metadata} if metadata else {}
        blobs, offset = [], 0
        codes = {np.dtype('float32'): 'F32', np.dtype('float64'): 'F64', np.dtype('float16'): 'F16'}
        for name, array in tensors:
            if isinstance(array, tuple):
                dtype, array = array
            else:
                dtype = codes[array.dtype]
            raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder('<')).tobytes()
            header[name] = {'dtype': dtype, 'shape': list(array.shape), 'data_offsets': [offset, offset + len(raw)]}
            blobs.append(raw)
            offset += len(raw)
        text = json.dumps(header).encode()
        text += b' ' * (-len(text) % 8)
        with open(path, 'wb') as f:
            f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))

    def load_safetensors(path):
        data = open(path, 'rb').read()
        (n,) = struct.unpack('<Q', data[:8])
        header = json.loads(data[8:8 + n])
        metadata = header.pop('__metadata__', {})
        types = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'BF16': '<u2'}
        tensors = {}
        for name, entry in header.items():
            begin, end = entry['data_offsets']
            array = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=types[entry['dtype']]).reshape(entry['shape'])
            if entry['dtype'] == 'BF16':
                array = (array.astype(np.uint32) << 16).view(np.float32)
            tensors[name] = (entry['dtype'], array)
        return tensors, metadata

    """
}
