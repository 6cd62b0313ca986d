/// The element types of safetensors tensors that Backprop reads, and how each becomes a
/// `Float`.
///
/// Backprop computes in 32-bit floats and always writes `F32`. Files written elsewhere often
/// hold `F64` (numpy's default), `F16` or `BF16` (PyTorch's half precisions); their tensors
/// are converted on load, and ``SafetensorsFile/convertedTensors`` says which were, so a
/// caller can tell the user. Converting `F16` and `BF16` is exact; `F64` rounds to the
/// nearest `Float`.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// 32-bit IEEE floats, the type Backprop computes in and writes.
    case f32 = "F32"
    /// 64-bit IEEE floats, rounded to the nearest `Float` on load.
    case f64 = "F64"
    /// 16-bit IEEE floats (half precision), widened exactly.
    case f16 = "F16"
    /// bfloat16: the upper 16 bits of a 32-bit float, widened exactly.
    case bf16 = "BF16"
    /// 64-bit signed integers: PyTorch's batch normalization stores its step count
    /// (`num_batches_tracked`) this way. Read as the nearest `Float` (exact below 2^24); no
    /// network parameter is an integer, so only such counters are expected.
    case i64 = "I64"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: return 4
        case .f64, .i64: return 8
        case .f16, .bf16: return 2
        }
    }

    /// The little-endian element at `offset` of `bytes` as a `Float`.
    func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        switch self {
        case .f32:
            return Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .f64:
            return Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
        case .f16:
            return Self.widenHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .i64:
            return Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .bf16:
            let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            return Float(bitPattern: UInt32(bits) << 16)
        }
    }

    /// The IEEE half-precision value with these bits, exactly. Written out rather than through
    /// `Float16`, which is not available on every platform Swift runs on (macOS on Intel).
    static func widenHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction x 2^-24, exact in Float.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN (the payload is kept in the top fraction bits).
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        }
    }
}
