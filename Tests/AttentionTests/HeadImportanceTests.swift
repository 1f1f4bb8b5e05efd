import Attention
import Foundation
import ReferenceCases
import Testing

/// The head measures and pruned outputs against a plain loop over the formulas, on the
/// reference cases (independent of `HeadImportance` and `Trace`).
@Suite("Head importance and pruning")
struct HeadImportanceTests {
    static let cases = ((try? ReferenceCase.all()) ?? []).filter { $0.mode == "mha" && ($0.input["heads"] as! Int) > 1 }

    /// Frobenius norm of a list of rows.
    func norm(_ rows: [[Double]]) -> Double { rows.joined().reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test(arguments: cases)
    func measuresMatchTheFormulas(_ reference: ReferenceCase) throws {
        guard case let .multiHead(c) = try reference.configuration() else { return }
        let measured = try HeadImportance.measure(c)
        let expected = reference.expected
        let perHead = expected["per_head"] as! [[String: Any]]
        let h = c.heads, dK = c.X.cols / h
        let output = try ReferenceCase.matrix(expected["out"]).nestedRows
        let concat = try ReferenceCase.matrix(expected["concat"]).nestedRows
        let W_O = c.W_O.nestedRows
        let finiteRows = output.indices.filter { output[$0].allSatisfy { !$0.isNaN } }

        for i in 0..<h {
            // Weight norm: the squares of head i's blocks.
            var squares = 0.0
            for row in 0..<c.X.cols {
                for col in i * dK..<(i + 1) * dK {
                    squares += pow(c.W_Q[row, col], 2) + pow(c.W_K[row, col], 2) + pow(c.W_V[row, col], 2)
                }
            }
            for row in i * dK..<(i + 1) * dK { for col in 0..<c.W_O.cols { squares += pow(c.W_O[row, col], 2) } }
            #expect(abs(measured[i].weightNorm - squares.squareRoot()) < 1e-10)

            // Entropy over rows with an unblocked key, from the reference weights.
            let weights = try ReferenceCase.matrix(perHead[i]["weights"]).nestedRows
            let masked = try ReferenceCase.matrix(perHead[i]["masked"]).nestedRows
            var entropies: [Double] = [], normalized: [Double] = []
            for (row, w) in weights.enumerated() {
                let open = masked[row].filter { !$0.isNaN }.count   // null (-inf) entries are NaN here
                guard open > 0 else { continue }
                let entropy = -w.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) }
                entropies.append(entropy)
                if open > 1 { normalized.append(entropy / log(Double(open))) }   // one visible key: no choice
            }
            if entropies.isEmpty {
                #expect(measured[i].entropy == nil && measured[i].normalizedEntropy == nil)
            } else {
                #expect(abs(measured[i].entropy! - entropies.reduce(0, +) / Double(entropies.count)) < 1e-9)
            }
            if normalized.isEmpty {
                #expect(measured[i].normalizedEntropy == nil)
            } else {
                #expect(abs(measured[i].normalizedEntropy! - normalized.reduce(0, +) / Double(normalized.count)) < 1e-9)
            }

            // Sensitivity: zero head i's columns of the reference concat, apply W_O and b_O.
            var difference: [[Double]] = []
            for row in finiteRows {
                var without = concat[row]
                for col in i * dK..<(i + 1) * dK { without[col] = 0 }
                let outWithout = (0..<c.W_O.cols).map { col in
                    (0..<without.count).reduce(c.b_O?[col] ?? 0) { $0 + without[$1] * W_O[$1][col] }
                }
                difference.append(zip(output[row], outWithout).map { $0 - $1 })
            }
            let size = norm(finiteRows.map { output[$0] })
            if size == 0 {
                #expect(measured[i].sensitivity == nil)
            } else {
                #expect(abs(measured[i].sensitivity! - norm(difference) / size) < 1e-9, "\(reference.name) head \(i)")
            }
        }
    }

    @Test(arguments: cases)
    func prunedOutputMatchesALoop(_ reference: ReferenceCase) throws {
        guard case var .multiHead(c) = try reference.configuration() else { return }
        c.gates = [0: 0, 1: 0.5]
        let trace = try Trace.compute(.multiHead(c))
        let expected = reference.expected
        let concat = try ReferenceCase.matrix(expected["concat"]).nestedRows
        let dK = c.X.cols / c.heads
        for row in 0..<trace.n where !trace.fullyBlockedRows.contains(row) {
            var gated = concat[row]
            for col in 0..<dK { gated[col] = 0 }
            for col in dK..<(2 * dK) { gated[col] *= 0.5 }
            for col in 0..<c.W_O.cols {
                let value = (0..<gated.count).reduce(c.b_O?[col] ?? 0) { $0 + gated[$1] * c.W_O[$1, col] }
                #expect(abs(trace.output[row, col] - value) < 1e-9)
            }
        }
    }

    @Test func pruningEveryHeadLeavesTheBias() throws {
        let I = Matrix.identity(4)
        var c = MultiHeadConfiguration(X: I, heads: 2, W_Q: I, W_K: I, W_V: I, W_O: I, b_O: [1, 2, 3, 4])
        c.gates = [0: 0, 1: 0]
        let trace = try Trace.compute(.multiHead(c))
        #expect((0..<4).allSatisfy { trace.output.row($0) == [1, 2, 3, 4] })
    }

    @Test func rankingPicksTheLeastImportant() throws {
        let heads = [
            HeadImportance(head: 0, weightNorm: 3, entropy: 0.2, normalizedEntropy: 0.2, sensitivity: 0.5),
            HeadImportance(head: 1, weightNorm: 1, entropy: 1.0, normalizedEntropy: 0.9, sensitivity: 0.1),
            HeadImportance(head: 2, weightNorm: 2, entropy: 0.5, normalizedEntropy: 0.4, sensitivity: nil),
        ]
        #expect(try HeadImportance.leastImportant(2, of: heads, by: .magnitude) == [1, 2])
        #expect(try HeadImportance.leastImportant(1, of: heads, by: .entropy) == [1])
        #expect(try HeadImportance.leastImportant(2, of: heads, by: .sensitivity) == [1, 0])
        #expect(throws: AttentionError.self) { try HeadImportance.leastImportant(3, of: heads, by: .sensitivity) }
    }
}

@Suite("Head measures averaged over examples")
struct HeadImportanceAverageTests {
    /// Means taken figure by figure; a figure undefined in one example is left out of its mean,
    /// and one undefined everywhere stays undefined.
    @Test func averagesEachFigureOverTheExamplesThatDefineIt() {
        let first = [HeadImportance(head: 0, weightNorm: 2, entropy: 0.5, normalizedEntropy: nil, sensitivity: 0.2, gradient: 0.1),
                     HeadImportance(head: 1, weightNorm: 4, entropy: nil, normalizedEntropy: nil, sensitivity: nil)]
        let second = [HeadImportance(head: 0, weightNorm: 2, entropy: 1.5, normalizedEntropy: 0.4, sensitivity: 0.4, gradient: 0.3),
                      HeadImportance(head: 1, weightNorm: 4, entropy: 1, normalizedEntropy: nil, sensitivity: nil)]
        let mean = HeadImportance.average([first, second])
        #expect(mean.map(\.head) == [0, 1])
        #expect(mean[0].weightNorm == 2 && mean[0].entropy == 1 && mean[0].normalizedEntropy == 0.4)
        #expect(abs(mean[0].sensitivity! - 0.3) < 1e-15 && abs(mean[0].gradient! - 0.2) < 1e-15)
        #expect(mean[1].entropy == 1 && mean[1].sensitivity == nil && mean[1].gradient == nil)
    }

    /// The gradient metric prunes the head with the smallest |dL/dg| first, and cannot rank
    /// heads without one.
    @Test func gradientMetricRanksBySmallestGateGradient() throws {
        let heads = [0.5, 0.01, 0.2].enumerated().map {
            HeadImportance(head: $0.offset, weightNorm: 1, entropy: 1, normalizedEntropy: 1, sensitivity: 1, gradient: $0.element)
        }
        #expect(try HeadImportance.leastImportant(2, of: heads, by: .gradient) == [1, 2])
        let without = heads.map { HeadImportance(head: $0.head, weightNorm: 1, entropy: 1, normalizedEntropy: 1, sensitivity: 1) }
        #expect(throws: AttentionError.self) { try HeadImportance.leastImportant(1, of: without, by: .gradient) }
    }
}
