import Attention
import ReferenceCases
import Foundation
import Testing

/// A second, independent check: multi-head attention written as the obvious loops over
/// plain arrays, straight from the formulas, sharing no code with `Trace.compute`.
enum LoopAttention {
    typealias Grid = [[Double]]

    struct Result {
        var weights: [Grid]      // per head, n x m
        var headOut: [Grid]      // per head, n x d_v
        var output: Grid         // n x d_out
    }

    static func run(X: Grid, heads h: Int, W_Q: Grid, W_K: Grid, W_V: Grid, W_O: Grid,
                    b_Q: [Double]?, b_K: [Double]?, b_V: [Double]?, b_O: [Double]?,
                    blocked: [[Bool]]) -> Result {
        let n = X.count, dModel = X[0].count
        let dK = W_Q[0].count / h, dV = W_V[0].count / h
        var weights: [Grid] = [], headOut: [Grid] = []
        var concat = Grid(repeating: [], count: n)
        for head in 0..<h {
            // Project token t onto column c of this head's block: sum over f of X[t][f] W[f][c].
            func project(_ W: Grid, _ b: [Double]?, _ width: Int) -> Grid {
                (0..<n).map { t in
                    (0..<width).map { c in
                        let col = head * width + c
                        var sum = b?[col] ?? 0
                        for f in 0..<dModel { sum += X[t][f] * W[f][col] }
                        return sum
                    }
                }
            }
            let q = project(W_Q, b_Q, dK), k = project(W_K, b_K, dK), v = project(W_V, b_V, dV)
            var w = Grid(repeating: Array(repeating: 0, count: n), count: n)
            for i in 0..<n {
                var s = [Double](repeating: -.infinity, count: n)
                for j in 0..<n where !blocked[i][j] {
                    var dot = 0.0
                    for c in 0..<dK { dot += q[i][c] * k[j][c] }
                    s[j] = dot / sqrt(Double(dK))
                }
                let top = s.max()!
                let exps = s.map { top == -.infinity ? .nan : exp($0 - top) }
                let total = exps.reduce(0, +)
                w[i] = exps.map { $0 / total }
            }
            let out = (0..<n).map { i in
                (0..<dV).map { c in (0..<n).reduce(0.0) { $0 + w[i][$1] * v[$1][c] } }
            }
            weights.append(w)
            headOut.append(out)
            for i in 0..<n { concat[i] += out[i] }
        }
        let dOut = W_O[0].count
        let output = (0..<n).map { i in
            (0..<dOut).map { c in
                var sum = b_O?[c] ?? 0
                for r in 0..<(h * dV) { sum += concat[i][r] * W_O[r][c] }
                return sum
            }
        }
        return Result(weights: weights, headOut: headOut, output: output)
    }
}

@Suite("Trace against a plain per-head loop")
struct LoopReferenceTests {
    static let cases = ((try? ReferenceCase.all()) ?? []).filter { $0.mode == "mha" }

    @Test(arguments: cases)
    func traceAgreesWithLoops(_ reference: ReferenceCase) throws {
        guard case let .multiHead(c) = try reference.configuration() else { return }
        let trace = try Trace.compute(.multiHead(c))
        let blocked = (0..<trace.n).map { i in (0..<trace.m).map { trace.blocked[i, $0] } }
        let loops = LoopAttention.run(
            X: c.X.nestedRows, heads: c.heads, W_Q: c.W_Q.nestedRows, W_K: c.W_K.nestedRows,
            W_V: c.W_V.nestedRows, W_O: c.W_O.nestedRows,
            b_Q: c.b_Q, b_K: c.b_K, b_V: c.b_V, b_O: c.b_O, blocked: blocked)
        var problems: [String] = []
        for i in 0..<c.heads {
            problems += Comparison(trace.heads[i].weights, try Matrix(loops.weights[i]),
                                   nullMeans: .nan, tolerance: 1e-12, label: "head \(i) weights").problems
            problems += Comparison(trace.heads[i].headOut, try Matrix(loops.headOut[i]),
                                   nullMeans: .nan, tolerance: 1e-12, label: "head \(i) head_out").problems
        }
        problems += Comparison(trace.output, try Matrix(loops.output),
                               nullMeans: .nan, tolerance: 1e-12, label: "output").problems
        #expect(problems.isEmpty, "\(reference.name): \(problems.prefix(5).joined(separator: "; "))")
    }
}
