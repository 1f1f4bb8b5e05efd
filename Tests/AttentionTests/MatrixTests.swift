import Attention
import Testing

@Suite("Matrix operations")
struct MatrixTests {
    @Test func productOfKnownMatrices() throws {
        let A = try Matrix([[1, 2, 3], [4, 5, 6]])
        let B = try Matrix([[7, 8], [9, 10], [11, 12]])
        // Row 0: [1*7 + 2*9 + 3*11, 1*8 + 2*10 + 3*12] = [58, 64].
        #expect(try A.multiplied(by: B) == Matrix([[58, 64], [139, 154]]))
    }

    @Test func productShapeMismatchNamesBothShapes() throws {
        let A = try Matrix([[1, 2, 3], [4, 5, 6]])
        let error = #expect(throws: AttentionError.self) { try A.multiplied(by: A, operation: "Q Kᵀ") }
        let text = String(describing: error!)
        #expect(text.contains("Q Kᵀ") && text.contains("2 x 3") && text.contains("columns"))
    }

    @Test func transposeScaleAndBias() throws {
        let A = try Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(A.transposed == (try Matrix([[1, 4], [2, 5], [3, 6]])))
        #expect(A.scaled(by: 0.5) == (try Matrix([[0.5, 1, 1.5], [2, 2.5, 3]])))
        #expect(try A.addingRowVector([10, 20, 30]) == Matrix([[11, 22, 33], [14, 25, 36]]))
        #expect(throws: AttentionError.lengthMismatch(operation: "adding a bias", expected: 3, found: 2)) {
            try A.addingRowVector([1, 2])
        }
    }

    @Test func blocksAndConcatenation() throws {
        let A = try Matrix([[1, 2, 3, 4], [5, 6, 7, 8]])
        let left = try A.columns(0..<2), right = try A.columns(2..<4)
        #expect(left == (try Matrix([[1, 2], [5, 6]])))
        #expect(try Matrix.concatenatedHorizontally([left, right]) == A)
        #expect(try A.rows(1..<2) == Matrix([[5, 6, 7, 8]]))
        #expect(throws: AttentionError.self) { try A.columns(3..<5) }
        let tall = try Matrix([[1], [2], [3]])
        let error = #expect(throws: AttentionError.self) { try Matrix.concatenatedHorizontally([left, tall]) }
        #expect(String(describing: error!).contains("3 x 1"))
    }

    @Test func softmaxIsStableAndSumsToOne() throws {
        // exp(1000) overflows; the stable form subtracts the maximum first.
        let s = try Matrix([[1000, 1000, -.infinity], [1, 2, 3]])
        let w = s.softmaxRows
        #expect(w.row(0) == [0.5, 0.5, 0])
        let sum = w.row(1).reduce(0, +)
        #expect(abs(sum - 1) < 1e-15)
        #expect(w[1, 2] > w[1, 1] && w[1, 1] > w[1, 0])
    }

    @Test func maskedFillNeedsMatchingShape() throws {
        let A = try Matrix([[1, 2], [3, 4]])
        #expect(try A.maskedFill(.causal(2), with: -.infinity) == Matrix([[1, -.infinity], [3, 4]]))
        let error = #expect(throws: AttentionError.self) { try A.maskedFill(.causal(3), with: 0) }
        #expect(String(describing: error!).contains("3 x 3"))
    }

    @Test func raggedAndEmptyInputsAreErrors() {
        #expect(throws: AttentionError.raggedRows(row: 1, length: 1, expected: 2)) { try Matrix([[1, 2], [3]]) }
        #expect(throws: AttentionError.emptyMatrix) { try Matrix([]) }
        #expect(throws: AttentionError.wrongElementCount(expected: 4, found: 3)) {
            try Matrix(rows: 2, cols: 2, values: [1, 2, 3])
        }
    }
}

@Suite("Configuration errors")
struct ConfigurationErrorTests {
    let I4 = Matrix.identity(4)

    func message(_ config: AttentionConfiguration) -> String {
        do { _ = try Trace.compute(config); return "" } catch { return String(describing: error) }
    }

    @Test func indivisibleHeadsSuggestsDk() throws {
        let text = message(.multiHead(MultiHeadConfiguration(X: I4, heads: 3, W_Q: I4, W_K: I4, W_V: I4, W_O: I4)))
        #expect(text.contains("d_model = 4") && text.contains("3 heads") && text.contains("dk"))
    }

    @Test func wrongWeightShapeNamesTheWeight() throws {
        let W = try Matrix(rows: 4, cols: 6, values: Array(repeating: 0, count: 24))
        let text = message(.multiHead(MultiHeadConfiguration(X: I4, heads: 2, W_Q: I4, W_K: W, W_V: I4, W_O: I4)))
        #expect(text.contains("W_K is 4 x 6") && text.contains("4 x 4"))
    }

    @Test func explicitDkWidensTheHeads() throws {
        // d_k = 3 with 2 heads: W_Q, W_K are 4 x 6, W_V 4 x 6 (d_v = 3), W_O 6 x 4.
        let W = Matrix(rows: 4, cols: 6) { i, j in i == j ? 1 : 0 }
        let config = MultiHeadConfiguration(X: I4, heads: 2, dK: 3, W_Q: W, W_K: W, W_V: W, W_O: W.transposed)
        let trace = try Trace.compute(.multiHead(config))
        #expect(trace.dK == 3 && trace.dV == 3 && trace.output.shape == Shape(4, 4))
    }

    @Test func badBiasAndPaddingAndCausalAreNamed() throws {
        let text = message(.multiHead(MultiHeadConfiguration(X: I4, heads: 2, W_Q: I4, W_K: I4, W_V: I4, W_O: I4,
                                                            b_O: [1, 2])))
        #expect(text.contains("b_O") && text.contains("length 2") && text.contains("4"))
        let pad = message(.multiHead(MultiHeadConfiguration(X: I4, heads: 1, W_Q: I4, W_K: I4, W_V: I4, W_O: I4,
                                                           keyPadding: [7])))
        #expect(pad.contains("key 7") && pad.contains("pad none"))
        let Q = try Matrix([[1, 0, 0, 0]])
        let causal = message(.direct(DirectConfiguration(Q: Q, K: I4, V: I4, mask: .causal)))
        #expect(causal.contains("1 queries, 4 keys"))
        let direct = message(.direct(DirectConfiguration(Q: I4, K: try Matrix([[1, 2]]), V: I4)))
        #expect(direct.contains("d_k"))
    }
}
