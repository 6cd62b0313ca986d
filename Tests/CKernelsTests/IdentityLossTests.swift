import CKernels
import Testing

@Suite("Identity outputs with squared error (regression)")
struct IdentityLossTests {
    @Test("Forward in place (y == x) and with row padding gives the loss of the plain call; m == 0 gives 0")
    func inPlaceAndPadding() {
        // 3 x 2 scores with ld 3 (one padding column), targets contiguous.
        var x: [Float] = [1, -2, 99, 0.5, 4, 99, -3, 0.25, 99]
        let t: [Float] = [0, 0, 1, 2, -1, 0]
        var y = [Float](repeating: 7, count: 9)
        var loss: Float = -1
        #expect(ck_identity_squared_error_forward(3, 2, x, 3, t, 2, &y, 3, &loss) == CK_OK)
        // 0.5 · (1 + 4 + 0.25 + 4 + 4 + 0.0625) / 3 = 2.2187...
        #expect(loss == Float(0.5 * (1 + 4 + 0.25 + 4 + 4 + 0.0625) / 3.0))
        #expect([y[0], y[1], y[3], y[4], y[6], y[7]] == [1, -2, 0.5, 4, -3, 0.25])
        #expect(y[2] == 7 && y[5] == 7)  // padding untouched
        var inPlace: Float = -1
        let status = x.withUnsafeMutableBufferPointer { buffer in
            ck_identity_squared_error_forward(3, 2, buffer.baseAddress, 3, t, 2, buffer.baseAddress, 3, &inPlace)
        }
        #expect(status == CK_OK && inPlace == loss)
        var empty: Float = -1
        #expect(ck_identity_squared_error_forward(0, 2, nil, 2, nil, 2, nil, 2, &empty) == CK_OK && empty == 0)
        // Backward in place over y: (y - t) / 3.
        let status2 = y.withUnsafeMutableBufferPointer { buffer in
            ck_identity_squared_error_backward(3, 2, buffer.baseAddress, 3, t, 2, buffer.baseAddress, 3)
        }
        #expect(status2 == CK_OK)
        let third: Float = 1 / 3
        #expect([y[0], y[1], y[3], y[4], y[6], y[7]] == [1 * third, -2 * third, -0.5 * third, 2 * third, -2 * third, 0.25 * third])
    }
}
