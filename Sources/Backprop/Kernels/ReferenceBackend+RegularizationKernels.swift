// ReferenceBackend's dropout and weight-decay kernels: as plain loops, the definition the C
// core is tested against. The dropout generator is integer arithmetic, so its masks equal the
// C core's bit for bit in any precision.

extension ReferenceBackend: RegularizationKernels {
    public func dropoutMask(m: Int, n: Int, ratio: Scalar, key: DropoutMaskKey, mask: UnsafeMutableBufferPointer<UInt8>) {
        precondition(mask.count == m * n, "dropoutMask: \(m)x\(n) needs \(m * n) mask bytes, got \(mask.count)")
        // SplitMix64: element e takes output e + 1 of the stream seeded with a key that mixes
        // the seed, the iteration and the layer in turn (CKernels/dropout.c).
        let streamKey = Self.mix(Self.mix(Self.mix(key.seed ^ 0x243F_6A88_85A3_08D3) ^ key.iteration) ^ key.layer)
        let first = UInt64(key.firstRow) &* UInt64(n)
        for index in 0..<(m * n) {
            let bits = Self.mix(streamKey &+ (first &+ UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
            // u = ((bits >> 40) + 1) / 2^24, uniform on (0, 1] and exact in Float, compared in
            // Float as the C core does (a Double ratio would round differently there).
            let u = Float((bits >> 40) + 1) * 0x1p-24
            mask[index] = u > Float(ratio) ? 1 : 0
        }
    }

    /// SplitMix64's output function (Stafford's Mix13 constants).
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public func dropoutApply(x: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<UInt8>, scale: Scalar,
                             y: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<x.count {
            y[i] = mask[i] != 0 ? x[i] * scale : 0
        }
    }

    public func scale(alpha: Scalar, x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<x.count {
            y[i] = alpha * x[i]
        }
    }

    public func addScaled(alpha: Scalar, x: UnsafeBufferPointer<Scalar>, y: UnsafeMutableBufferPointer<Scalar>) {
        for i in 0..<x.count {
            y[i] += alpha * x[i]
        }
    }

    public func sumOfSquares(_ x: UnsafeBufferPointer<Scalar>) -> Double {
        // The C core's order: blocks of 16384 elements, each over 8 lanes folded in a fixed tree.
        let block = 16384, lanes = 8
        var total = 0.0
        for start in stride(from: 0, to: x.count, by: block) {
            var lane = SIMD8<Double>()
            for i in start..<min(start + block, x.count) {
                let v = Double(x[i])
                lane[(i - start) % lanes] += v * v
            }
            total += ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]))
        }
        return total
    }
}
