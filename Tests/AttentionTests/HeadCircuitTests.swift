import Attention
import ReferenceCases
import Testing

/// Heads' circuits against NumPy: W_QK and W_OV, their singular values and ranks.
@Suite("Head circuits")
struct HeadCircuitTests {
    static let cases = (try? CircuitCase.all()) ?? []

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 4)
    }

    @Test(arguments: cases)
    func circuitsMatchNumPy(_ reference: CircuitCase) throws {
        for (head, expected) in reference.circuits.enumerated() {
            let circuit = try HeadCircuit(reference.configuration, head: head)
            #expect(maxDifference(circuit.qk, expected.qk) <= 1e-12, "\(reference), head \(head + 1): W_QK")
            #expect(maxDifference(circuit.ov, expected.ov) <= 1e-12, "\(reference), head \(head + 1): W_OV")
            for (found, wanted, name) in [(circuit.qkSingularValues, expected.qkSingularValues, "W_QK"),
                                          (circuit.ovSingularValues, expected.ovSingularValues, "W_OV")] {
                #expect(found.count == wanted.count, "\(reference), head \(head + 1): \(name)")
                // Within rounding of the largest: the zero singular values come out exactly 0
                // here and near 1e-15 from NumPy's SVD.
                let scale = wanted.max() ?? 1
                let worst = zip(found, wanted).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-12 * scale, "\(reference), head \(head + 1): \(name) singular values \(found) vs \(wanted)")
            }
            #expect(circuit.qkRank == expected.qkRank, "\(reference), head \(head + 1)")
            #expect(circuit.ovRank == expected.ovRank, "\(reference), head \(head + 1)")
            #expect(circuit.qkRank <= circuit.dK && circuit.ovRank <= circuit.dV)
        }
    }

    /// Without biases, a head's scores are X W_QK Xᵀ: the circuit is the whole story.
    @Test func scoresAreTheBilinearFormOfTheQKCircuit() throws {
        var random = SeededRandom(seed: 4)
        var c = MultiHeadConfiguration(
            X: Matrix(rows: 5, cols: 6) { _, _ in random.normal() }, heads: 3,
            W_Q: Matrix(rows: 6, cols: 6) { _, _ in random.normal() }, W_K: Matrix(rows: 6, cols: 6) { _, _ in random.normal() },
            W_V: Matrix(rows: 6, cols: 6) { _, _ in random.normal() }, W_O: Matrix(rows: 6, cols: 6) { _, _ in random.normal() },
            mask: .none)
        c.dK = nil
        let trace = try Trace.compute(.multiHead(c))
        for head in 0..<3 {
            let circuit = try HeadCircuit(c, head: head)
            let scores = try c.X.multiplied(by: circuit.qk).multiplied(by: c.X.transposed)
            #expect(maxDifference(scores, trace.heads[head].scores) <= 1e-12)
            #expect(circuit.qkRank == 2 && circuit.ovRank == 2)
        }
    }

    @Test func aHeadOutsideTheLayerIsAnError() throws {
        let reference = try #require(Self.cases.first)
        #expect(throws: AttentionError.self) { try HeadCircuit(reference.configuration, head: reference.heads) }
    }

    /// The singular values of a diagonal matrix are its entries' sizes, in any orientation.
    @Test func singularValuesOfKnownMatrices() throws {
        let diagonal = try Matrix(rows: 3, cols: 2, values: [3, 0, 0, -4, 0, 0])
        #expect(diagonal.singularValues == [4, 3])
        #expect(diagonal.transposed.singularValues == [4, 3])
        #expect(Matrix(rows: 2, cols: 2).singularValues == [0, 0])
        #expect(Matrix.numericalRank([0, 0], rows: 2, cols: 2) == 0)
    }
}

private func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
}
