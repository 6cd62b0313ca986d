import Testing
import Backprop
import CKernels
import Foundation

@Test func probeSpeed() {
    var rng = SplitMix64(seed: 1)
    let a = StridedMatrix(rows: 100, columns: 784, using: &rng)
    let b = StridedMatrix(rows: 784, columns: 50, using: &rng)
    let c = StridedMatrix(rows: 100, columns: 50, using: &rng)
    let t0 = Date()
    let r = GEMMReference(transposeA: .none, transposeB: .none, m: 100, n: 50, k: 784, alpha: 1, a: a, b: b, beta: 0, c: c)
    print("PROBE ref", Date().timeIntervalSince(t0), r.value[0], supportedISAs.map(\.name), ck_openmp_enabled())
}
