import Attention
import Foundation
import Testing

/// Small examples worked out on paper; the expected numbers are closed forms, not the code's
/// own output.
@Suite("Hand-worked examples")
struct HandWorkedTests {
    let I2 = Matrix.identity(2)

    /// Q = K = I, V = [[1, 2], [3, 4]], d_k = 2.
    /// scores = I; scaled = I / sqrt(2); row 0 softmax = [w, 1 - w] with
    /// w = e^(1/sqrt 2) / (e^(1/sqrt 2) + e^0) = 1 / (1 + e^(-1/sqrt 2)) = 0.66976...
    /// head_out row 0 = w [1, 2] + (1 - w) [3, 4] = [3 - 2w, 4 - 2w].
    @Test func directTwoByTwo() throws {
        let V = try Matrix([[1, 2], [3, 4]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: I2, K: I2, V: V)))
        let w = 1 / (1 + exp(-1 / 2.0.squareRoot()))
        let head = trace.heads[0]
        #expect(head.scores == I2)
        #expect(abs(head.scaled[0, 0] - 0.7071067811865476) < 1e-15)
        #expect(head.scaled[0, 1] == 0)
        #expect(abs(head.weights[0, 0] - w) < 1e-15)
        #expect(abs(head.weights[0, 1] - (1 - w)) < 1e-15)
        #expect(abs(head.weights[1, 1] - w) < 1e-15)
        #expect(abs(trace.output[0, 0] - (3 - 2 * w)) < 1e-14)
        #expect(abs(trace.output[0, 1] - (4 - 2 * w)) < 1e-14)
        #expect(abs(trace.output[1, 0] - (1 + 2 * w)) < 1e-14)   // (1 - w) [1, 2] + w [3, 4]
        #expect(abs(w - 0.6697615493266569) < 1e-15)
    }

    /// X = I (two tokens, d_model 2), two heads of d_k = 1, every weight the identity.
    /// Head 1 sees column 0: q = k = v = [1, 0]ᵀ, scores = [[1, 0], [0, 0]] (sqrt(1) = 1),
    /// weights row 0 = [e/(e+1), 1/(e+1)], row 1 = [1/2, 1/2]; head_out = [[e/(e+1)], [1/2]].
    /// Head 2 is the mirror image. W_O = I, so output = concat = [[a, 1/2], [1/2, a]], a = e/(e+1).
    @Test func twoHeadsIdentityWeights() throws {
        let config = MultiHeadConfiguration(X: I2, heads: 2, W_Q: I2, W_K: I2, W_V: I2, W_O: I2)
        let trace = try Trace.compute(.multiHead(config))
        let a = M_E / (M_E + 1)
        #expect(trace.dK == 1)
        #expect(trace.heads[0].Q == (try Matrix([[1], [0]])))
        #expect(trace.heads[1].K == (try Matrix([[0], [1]])))
        #expect(trace.heads[0].scaled == (try Matrix([[1, 0], [0, 0]])))
        #expect(abs(trace.heads[0].weights[0, 0] - a) < 1e-15)
        #expect(trace.heads[0].weights[1, 0] == 0.5)
        let expected = try Matrix([[a, 0.5], [0.5, a]])
        for i in 0..<2 {
            for j in 0..<2 {
                #expect(abs(trace.concat![i, j] - expected[i, j]) < 1e-15)
                #expect(abs(trace.output[i, j] - expected[i, j]) < 1e-15)
            }
        }
    }

    /// With a causal mask the first token can only see itself: weight 1 on key 0.
    @Test func causalFirstRowIsOneHot() throws {
        let config = MultiHeadConfiguration(X: I2, heads: 1, W_Q: I2, W_K: I2, W_V: I2, W_O: I2, mask: .causal)
        let trace = try Trace.compute(.multiHead(config))
        #expect(trace.heads[0].masked[0, 1] == -.infinity)
        #expect(trace.heads[0].weights.row(0) == [1, 0])
        #expect(trace.output.row(0) == [1, 0])
    }

    /// A query whose every key is blocked has NaN weights (PyTorch's behaviour) and the trace
    /// lists it; the other row is untouched.
    @Test func fullyBlockedRowIsNaNAndRecorded() throws {
        let mask = try Mask(rows: 2, cols: 2, blocked: [true, true, false, false])
        let config = DirectConfiguration(Q: I2, K: I2, V: I2, mask: .custom(mask))
        let trace = try Trace.compute(.direct(config))
        #expect(trace.fullyBlockedRows == [0])
        #expect(trace.heads[0].weights.row(0).allSatisfy { $0.isNaN })
        #expect(trace.output.row(0).allSatisfy { $0.isNaN })
        #expect(trace.heads[0].weights.row(1).allSatisfy { !$0.isNaN })
    }

    /// Key padding blocks a key for every query; it combines with the causal mask.
    @Test func keyPaddingCombinesWithCausal() throws {
        let X = Matrix.identity(3)
        let config = MultiHeadConfiguration(X: X, heads: 1, W_Q: X, W_K: X, W_V: X, W_O: X,
                                            mask: .causal, keyPadding: [0])
        let trace = try Trace.compute(.multiHead(config))
        #expect(trace.fullyBlockedRows == [0])
        #expect(trace.blocked.blocked == [true, true, true, true, false, true, true, false, false])
        #expect(trace.heads[0].weights.row(1) == [0, 1, 0])
    }

    /// Cross-attention: 3 queries over 2 keys.
    @Test func directModeAllowsDifferentQueryAndKeyCounts() throws {
        let Q = try Matrix([[1, 0], [0, 1], [1, 1]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: I2, V: I2)))
        #expect(trace.heads[0].weights.shape == Shape(3, 2))
        #expect(trace.output.shape == Shape(3, 2))
        #expect(trace.heads[0].weights.row(2) == [0.5, 0.5])   // equal scores, equal weights
    }
}

@Suite("Scaling switched off")
struct ScalingOffTests {
    /// Without the division, scaled = scores and the softmax sees the raw dot products:
    /// for Q = K = I the weight of the matching key is e / (e + 1) instead of
    /// e^(1/sqrt 2) / (e^(1/sqrt 2) + 1).
    @Test func scaledEqualsScoresAndWeightsSharpen() throws {
        let I = Matrix.identity(2)
        var config = DirectConfiguration(Q: I, K: I, V: I)
        config.scaling = false
        let trace = try Trace.compute(.direct(config))
        #expect(trace.heads[0].scaled == trace.heads[0].scores)
        #expect(abs(trace.heads[0].weights[0, 0] - M_E / (M_E + 1)) < 1e-15)
        #expect(trace.scale == 1)
    }
}

@Suite("Huge values")
struct HugeValueTests {
    /// The stable softmax handles scores near Double's limit: exp(s - max) never overflows.
    @Test func hugeFiniteScoresGiveAnExactSoftmax() throws {
        let Q = try Matrix([[1e154, 0]]), K = try Matrix([[1e154, 0], [0, 1]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: Matrix.identity(2))))
        #expect(trace.heads[0].weights.row(0) == [1, 0])
        #expect(trace.overflow == nil)
    }

    /// Values that are each finite but whose sum is not (two of 1e308) are no overflow.
    @Test func finiteValuesWithAnInfiniteSumAreNotOverflow() throws {
        let Q = try Matrix([[1e308, 1e308]]), K = try Matrix([[1e-300, 0], [0, 1e-300]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: Matrix.identity(2))))
        #expect(trace.heads[0].Q.values.reduce(0, +) == .infinity)
        #expect(trace.overflow == nil)
    }

    /// A product past 1.8e308 becomes infinity: the trace says where.
    @Test func overflowIsLocated() throws {
        let Q = try Matrix([[1e200, 0]]), K = try Matrix([[1e200, 0], [0, 1]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: Matrix.identity(2))))
        #expect(trace.overflow?.stage == .scores)
    }

    @Test func maskedAndBlockedRowsAreNotOverflow() throws {
        let I = Matrix.identity(2)
        let config = DirectConfiguration(Q: I, K: I, V: I, mask: .causal, keyPadding: [0])
        #expect(try Trace.compute(.direct(config)).overflow == nil)
    }
}
