import Attention
import ReferenceCases
import Foundation
import Testing

/// Every stage of every head, the concatenation and the output, against the reference
/// values computed by NumPy and cross-checked with PyTorch.
@Suite("Reference cases (NumPy and PyTorch)")
struct ReferenceCaseTests {
    static let cases = (try? ReferenceCase.all()) ?? []
    static let tolerance = 1e-9

    @Test func allCasesArePresent() {
        #expect(Self.cases.count == 41, "Fixtures/reference should hold the 41 shared cases")
    }

    @Test(arguments: cases)
    func traceMatchesReference(_ reference: ReferenceCase) throws {
        let trace = try Trace.compute(reference.configuration())
        let expected = reference.expected
        var problems: [String] = []
        func check(_ actual: Matrix?, _ expected: Any?, _ label: String, nullMeans: Double = .nan) throws {
            let actual = try #require(actual, "\(label) missing from the trace")
            let comparison = Comparison(actual, try ReferenceCase.matrix(expected),
                                        nullMeans: nullMeans, tolerance: Self.tolerance, label: label)
            problems += comparison.problems
        }
        if reference.mode == "single" {
            let head = trace.heads[0]
            try check(head.scores, expected["scores"], "scores")
            try check(head.scaled, expected["scaled"], "scaled")
            try check(head.masked, expected["masked"], "masked", nullMeans: -.infinity)
            try check(head.weights, expected["weights"], "weights")
            try check(head.headOut, expected["out"], "head_out")
            try check(trace.output, expected["out"], "output")
            #expect(trace.dK == expected["d_k"] as? Int)
        } else {
            let perHead = expected["per_head"] as! [[String: Any]]
            #expect(trace.heads.count == perHead.count)
            #expect(trace.dK == expected["d_k"] as? Int)
            for (i, (head, exp)) in zip(trace.heads, perHead).enumerated() {
                try check(head.Q, exp["Q"], "head \(i) Q")
                try check(head.K, exp["K"], "head \(i) K")
                try check(head.V, exp["V"], "head \(i) V")
                try check(head.scores, exp["scores"], "head \(i) scores")
                try check(head.scaled, exp["scaled"], "head \(i) scaled")
                try check(head.masked, exp["masked"], "head \(i) masked", nullMeans: -.infinity)
                try check(head.weights, exp["weights"], "head \(i) weights")
                try check(head.headOut, exp["head_out"], "head \(i) head_out")
            }
            try check(trace.concat, expected["concat"], "concat")
            try check(trace.output, expected["out"], "output")
        }
        #expect(problems.isEmpty, "\(reference.name): \(problems.prefix(5).joined(separator: "; "))")

        // The blocked pattern and the fully blocked rows are recorded exactly.
        // `blocked` is null in the reference when nothing is blocked.
        let blocked = expected["blocked"] as? [[Bool]]
            ?? Array(repeating: Array(repeating: false, count: trace.m), count: trace.n)
        #expect(trace.blocked.blocked == blocked.flatMap { $0 })
        let fullyBlocked = blocked.indices.filter { blocked[$0].allSatisfy { $0 } }
        #expect(trace.fullyBlockedRows == fullyBlocked)
        let warnings = expected["warnings"] as? [String] ?? []
        #expect(warnings.isEmpty == fullyBlocked.isEmpty, "the reference warns exactly when a row is fully blocked")
    }
}
