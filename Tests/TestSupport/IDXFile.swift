/// The bytes of an IDX file, for tests that write MNIST-like data or damage a header.
public func idxFile(typeCode: UInt8 = 0x08, shape: [UInt32], elements: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(shape.count)]
    for size in shape {
        bytes += withUnsafeBytes(of: size.bigEndian) { Array($0) }
    }
    return bytes + elements
}
