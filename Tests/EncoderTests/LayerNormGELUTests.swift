import Attention
import Encoder
import Testing

/// The two stages the encoder adds to the session's attention, on values worked by hand.
@Suite("LayerNorm and GELU")
struct LayerNormGELUTests {
    /// [1, 2, 3, 4]: mean 2.5, biased variance 1.25, so y = (x - 2.5) / sqrt(1.25 + eps).
    @Test func layerNormByHand() throws {
        let X = try Matrix([[1, 2, 3, 4], [10, 10, 10, 10]])
        let Y = try X.layerNormalized(gamma: [1, 1, 2, 1], beta: [0, 0, 0, 0.5], eps: 1e-12)
        let s = (1.25 + 1e-12).squareRoot()
        let expected: [Double] = [-1.5 / s, -0.5 / s, 2 * 0.5 / s, 1.5 / s + 0.5]
        for j in 0..<4 { #expect(abs(Y[0, j] - expected[j]) < 1e-15) }
        // A constant row has no spread: eps keeps it finite, and it becomes beta.
        #expect(Y.row(1) == [0, 0, 0, 0.5])
        #expect(throws: AttentionError.self) { try X.layerNormalized(gamma: [1], beta: [0, 0, 0, 0], eps: 1e-12) }
    }

    /// GELU(x) = x Φ(x): Φ(1) = 0.841344746068543, Φ(-1) = 1 - Φ(1), Φ(0) = 1/2.
    @Test func geluByHand() throws {
        let Y = try Matrix([[0, 1, -1, 3, -10]]).gelu
        let phi1 = 0.8413447460685429
        #expect(Y[0, 0] == 0)
        #expect(abs(Y[0, 1] - phi1) < 3e-16)
        #expect(abs(Y[0, 2] - -(1 - phi1)) < 3e-16)
        #expect(abs(Y[0, 3] - 3 * 0.9986501019683699) < 1e-15)
        #expect(abs(Y[0, 4]) < 1e-20)      // 10 Φ(-10) ≈ 7.6e-23: negative inputs die away
    }
}
