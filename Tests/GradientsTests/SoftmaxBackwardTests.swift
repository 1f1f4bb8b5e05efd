import Attention
import Foundation
import Testing

/// The softmax's backward pass, dL/ds = w ⊙ (g - Σ_t g_t w_t), on rows worked out by hand.
@Suite("Softmax backward, by hand")
struct SoftmaxBackwardTests {
    /// s = [0, 0]: w = [1/2, 1/2]. g = [1, 0]: Σ g w = 1/2, so dL/ds = [1/2 · 1/2, 1/2 · -1/2].
    /// Raising the first score moves weight onto the key whose weight the loss wants larger.
    @Test func twoByTwo() throws {
        let weights = try Matrix([[0, 0], [3, -1]]).softmaxRows
        let gradient = try Matrix([[1, 0], [2, 2]])
        let result = try weights.softmaxRowsBackward(gradient)
        #expect(result[0, 0] == 0.25)
        #expect(result[0, 1] == -0.25)
        // A constant gradient (every weight equally good) moves no score: w (2 - 2) = 0.
        #expect(abs(result[1, 0]) < 1e-16 && abs(result[1, 1]) < 1e-16)
    }

    /// s = [0, 0, ln 2]: w = [1/4, 1/4, 1/2]. g = [1, 2, 3]: Σ g w = 1/4 + 2/4 + 3/2 = 9/4, so
    /// dL/ds = [1/4 (1 - 9/4), 1/4 (2 - 9/4), 1/2 (3 - 9/4)] = [-5/16, -1/16, 3/8], which sums
    /// to 0 as every row must (adding a constant to the scores changes nothing).
    /// Row 2 has key 2 blocked: s = [0, 0, -inf], w = [1/2, 1/2, 0]; g = [4, 0, 9]:
    /// Σ g w = 2, dL/ds = [1/2 (4 - 2), 1/2 (0 - 2), 0] = [1, -1, 0]: a blocked key gets nothing.
    @Test func threeByThree() throws {
        let weights = try Matrix([[0, 0, log(2)], [0, 0, -.infinity], [1, 2, 3]]).softmaxRows
        let gradient = try Matrix([[1, 2, 3], [4, 0, 9], [0, 0, 0]])
        let result = try weights.softmaxRowsBackward(gradient)
        let expected: [[Double]] = [[-5.0 / 16, -1.0 / 16, 3.0 / 8], [1, -1, 0], [0, 0, 0]]
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(abs(result[i, j] - expected[i][j]) < 1e-15, "[\(i)][\(j)] = \(result[i, j]), expected \(expected[i][j])")
            }
        }
        #expect(result[1, 2] == 0)
    }

    /// A row of NaN weights (every key blocked) depends on no score: its gradient is 0.
    @Test func fullyBlockedRowGetsZero() throws {
        let weights = try Matrix([[-.infinity, -.infinity], [1, 0]]).softmaxRows
        #expect(weights[0, 0].isNaN)
        let result = try weights.softmaxRowsBackward(try Matrix([[1, 2], [1, 0]]))
        #expect(result.row(0) == [0, 0])
        #expect(result.row(1).allSatisfy { $0.isFinite })
    }
}
