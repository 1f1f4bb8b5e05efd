import Attention
import Foundation
import Interpreter
import ReferenceCases
import Testing

/// `circuit [head N]` and `why W_QK|W_OV ROW COL`, on the circuit fixtures computed with NumPy.
@Suite("Circuit command")
struct CircuitCommandTests {
    /// A session holding the weights of the fixture case `name`, shown with 6 decimals.
    static func session(_ name: String) throws -> (Interpreter, CircuitCase) {
        let reference = try #require(try CircuitCase.all().first { $0.description == name })
        let c = reference.configuration
        func literal(_ m: Matrix) -> String {
            "[" + (0..<m.rows).map { i in "[" + m.row(i).map { String($0) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        }
        var repl = Interpreter()
        for command in ["reset", "heads \(reference.heads)", "dk \(reference.dK)", "set precision 6",
                        "X = [" + Array(repeating: "[" + Array(repeating: "1", count: c.W_Q.rows).joined(separator: ", ") + "]",
                                        count: 2).joined(separator: ", ") + "]",
                        "W_Q = " + literal(c.W_Q), "W_K = " + literal(c.W_K), "W_V = " + literal(c.W_V), "W_O = " + literal(c.W_O)] {
            _ = try repl.execute(command)
        }
        return (repl, reference)
    }

    /// The rank line of each circuit, and the singular values to the digits shown, as NumPy has them.
    @Test func ranksAndSingularValuesAreNumPys() throws {
        var (repl, reference) = try Self.session("rank-deficient heads")
        for (head, expected) in reference.circuits.enumerated() {
            let text = try repl.execute("circuit head \(head + 1)").text
            let rankLines = text.split(separator: "\n").filter { $0.contains("singular values:") }
            #expect(rankLines.count == 2)
            guard rankLines.count == 2 else { continue }
            #expect(rankLines[0].contains("rank \(expected.qkRank) of at most 4 (d_k = 4)"), "\(rankLines[0])")
            #expect(rankLines[1].contains("rank \(expected.ovRank) of at most 4 (d_v = 4)"), "\(rankLines[1])")
            let largest = String(format: "%.6f", expected.qkSingularValues[0])
            #expect(rankLines[0].contains("singular values: \(largest),"), "\(rankLines[0]) should start with \(largest)")
        }
    }

    /// `why` gives NumPy's cell, and its terms are head 2's products.
    @Test func whyGivesTheCellOfEachCircuit() throws {
        var (repl, reference) = try Self.session("lesson size")
        let circuit = reference.circuits[1]
        let qk = try repl.execute("why W_QK 3 1 head 2").text
        #expect(qk.hasPrefix("W_QK[3][1] (head 2) = Σ over head 2's columns t (2-3)"), "\(qk)")
        #expect(qk.hasSuffix("= " + String(format: "%.6f", circuit.qk[3, 1])), "\(qk)")
        let ov = try repl.execute("why W_OV 0 2 head 2").text
        #expect(ov.hasSuffix("= " + String(format: "%.6f", circuit.ov[0, 2])), "\(ov)")
    }

    /// `check: rank W_QK head N` reads the rank `circuit` prints (NumPy's matrix_rank).
    @Test func lessonsCanCheckACircuitsRank() throws {
        let (repl, reference) = try Self.session("rank-deficient heads")
        for (head, expected) in reference.circuits.enumerated() {
            let qk = try repl.evaluate(try CheckParser.parse("rank W_QK head \(head + 1) = \(expected.qkRank)"))
            #expect(qk.passed, "head \(head + 1): found \(qk.found)")
            let ov = try repl.evaluate(try CheckParser.parse("rank W_OV head \(head + 1) = \(expected.ovRank + 1)"))
            #expect(!ov.passed && ov.found == String(expected.ovRank))
        }
        #expect(throws: UserError.self) { try CheckParser.parse("rank W_QK = 2") }
    }

    @Test func mistakesAreExplained() throws {
        var repl = Interpreter()
        #expect(throws: UserError.self) { try repl.execute("circuit head 3") }
        #expect(throws: UserError.self) { try repl.execute("why W_QK 4 0") }
        for tensor in ["Q", "K", "V"] { _ = try repl.execute("\(tensor) = [[1, 0]]") }
        do {
            _ = try repl.execute("circuit")
            Issue.record("circuit worked in direct mode")
        } catch let error as UserError {
            #expect(error.message.contains("direct mode"))
        }
    }
}
