import Attention
import ReferenceCases
import Teaching
import Testing

/// `why` writes out the arithmetic of a cell; its terms must add up to the cell's value, for
/// every stage, on the reference cases.
@Suite("Cell arithmetic (why)")
struct WhyTests {
    static let cases = ((try? ReferenceCase.all()) ?? []).filter { $0.mode == "mha" }.prefix(12).map { $0 }

    @Test(arguments: cases)
    func termsAddUpForEveryStage(_ reference: ReferenceCase) throws {
        let trace = try Trace.compute(reference.configuration())
        let presenter = Presenter(trace: trace, tokens: [])
        let summed: [Stage] = [.Q, .K, .V, .scores, .head_out, .output]
        for head in trace.heads.indices {
            for stage in Stage.allCases {
                let matrix = trace.tensor(stage, head: head)!
                for row in 0..<matrix.rows {
                    for col in 0..<matrix.cols {
                        let cell = presenter.why(stage, row: row, col: col, head: head)
                        let value = matrix[row, col]
                        #expect(cell.value.isNaN ? value.isNaN : cell.value == value)
                        if value.isNaN || value.isInfinite { continue }
                        if summed.contains(stage) {
                            let total = cell.terms.reduce(0, +)
                            #expect(abs(total - value) <= 1e-12 * max(1, abs(value)), "\(stage)[\(row)][\(col)] head \(head)")
                        } else if stage == .weights {
                            let total = cell.terms.reduce(0, +)
                            #expect(abs(cell.terms[col] / total - value) <= 1e-12, "weights[\(row)][\(col)]")
                        }
                    }
                }
            }
        }
    }

    @Test func scoreArithmeticShowsTheProducts() throws {
        let Q = try Matrix([[1, 2]]), K = try Matrix([[3, 4], [5, 6]])
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: K)))
        let presenter = Presenter(trace: trace, tokens: [], format: NumberFormat(decimals: 1))
        let cell = presenter.why(.scores, row: 0, col: 1)
        // 1*5 + 2*6 = 17
        #expect(cell.terms == [5, 12])
        #expect(cell.text.contains("(1.0)(5.0) + (2.0)(6.0)") && cell.text.contains("= 17.0"))
        let scaled = presenter.why(.scaled, row: 0, col: 1)
        #expect(scaled.text.contains("17.0 / sqrt(2)") && scaled.text.contains("= 12.0"))   // 17 / 1.414 = 12.02
    }

    /// A real layer's sums have dozens of terms: the text shows the first six and the last two
    /// and says how many it leaves out; the terms and the total are still all of them.
    @Test func longSumsAreCutToFitTheScreen() throws {
        // One query (1, 1, ..., 1) against 20 keys whose rows are 1, 2, ..., 20 times (1, ..., 1),
        // in 20 dimensions: score j = 20 (j + 1).
        let Q = Matrix(rows: 1, cols: 20) { _, _ in 1 }
        let K = Matrix(rows: 20, cols: 20) { row, _ in Double(row + 1) }
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: K)))
        let presenter = Presenter(trace: trace, tokens: [], format: NumberFormat(decimals: 1))

        let score = presenter.why(.scores, row: 0, col: 2)
        #expect(score.terms.count == 20 && score.terms.reduce(0, +) == 60)
        #expect(score.text.contains("(1.0)(3.0) + (1.0)(3.0) + (1.0)(3.0) + (1.0)(3.0) + (1.0)(3.0) + (1.0)(3.0) "
                                    + "+ (12 more terms) + (1.0)(3.0) + (1.0)(3.0)"), "\(score.text)")
        #expect(score.text.contains("3.0 + 3.0 + 3.0 + 3.0 + 3.0 + 3.0 + (12 more terms) + 3.0 + 3.0"), "\(score.text)")
        #expect(score.text.hasSuffix("= 60.0"))

        let weight = presenter.why(.weights, row: 0, col: 19)
        #expect(weight.terms.count == 20)
        #expect(weight.text.components(separatedBy: "(12 more terms)").count == 3, "\(weight.text)")
        // Scaled scores 20 (j + 1) / sqrt(20): the last key's, 89.4, is the maximum.
        #expect(weight.text.contains("+ (12 more terms) + exp(85.0 − 89.4) + exp(89.4 − 89.4)\n"), "\(weight.text)")
        #expect(weight.text.contains("+ (12 more terms) + 0.0 + 1.0 = 1.0"), "\(weight.text)")
    }

    /// A negative row maximum is added back, not subtracted as "- -" (issue 14).
    @Test func aNegativeMaximumIsAddedBack() throws {
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: try Matrix([[1, 0]]), K: try Matrix([[-1, 0], [-2, 0]]),
                                                                  V: Matrix.identity(2))))
        let text = Presenter(trace: trace, tokens: [], width: 10_000).why(.weights, row: 0, col: 1).text
        #expect(!text.contains("- -") && text.contains("exp(-1.414 + 0.707)"), "\(text)")
    }

    @Test func blockedCellsSayWhy() throws {
        let I = Matrix.identity(2)
        let trace = try Trace.compute(.direct(DirectConfiguration(Q: I, K: I, V: I, mask: .causal)))
        let presenter = Presenter(trace: trace, tokens: ["a", "b"])
        #expect(presenter.why(.masked, row: 0, col: 1).text.contains("-inf: the mask"))
        let padded = try Trace.compute(.direct(DirectConfiguration(Q: I, K: I, V: I, mask: .causal, keyPadding: [0])))
        let text = Presenter(trace: padded, tokens: ["a", "b"]).why(.weights, row: 0, col: 0).text
        #expect(text.contains("NaN") && text.contains("every key is blocked for 'a'"))
    }
}
