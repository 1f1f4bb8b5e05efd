import Foundation
import Interpreter
import Testing

/// The checks of `importance` and `compare` figures (`importance FIGURE head N`, `rank`,
/// `focus`, `compare`), on a small fixed layer whose figures were computed independently with
/// NumPy, and their errors for a lesson author.
///
/// The layer: 4 tokens, d_model 6, 3 heads of d_k 2, causal mask, b_O set, a target (so the
/// gradient figure exists). It was drawn with `numpy.random.default_rng(40)` (entries in
/// tenths; head 1's W_Q and W_K times 4, head 3's W_Q times 0.2) so its heads are focused,
/// partly focused and diffuse, and the four metrics crown three different heads. The NumPy
/// reference, in float64, per head i (d_k = 2):
///
///     Q_i, K_i, V_i = X W_Q[:, 2i:2i+2], ...; w_i = softmax(Q_i K_iᵀ / √2, keys j > query blocked)
///     weight norm = sqrt(Σ of the squares of W_Q, W_K, W_V column blocks and the W_O row block)
///     entropy = mean over rows of -Σ w ln w; normalized = mean over rows 1..3 of entropy / ln(row + 1)
///     sensitivity = ||(w_i V_i) W_O[2i:2i+2]||_F / ||O||_F
///     |dL/dg_i| = |Σ (2 (O - T) / 24) ∘ ((w_i V_i) W_O[2i:2i+2])|
///     ranks: sort heads by (-norm | entropy | -sensitivity | -gradient), least important first,
///            ties to the lower head; rank 1 = last in that order
///     compare = 100 ||O_gated - O||_F / ||O||_F, over all rows and row by row
@Suite("Checks of importance and compare figures")
struct ImportanceCheckTests {
    static let layer = [
        "reset", "tokens a b c d", "heads 3", "mask causal",
        "X = [[0.1, 0.5, -1.0, 0.4, -0.1, 0.9], [-1.0, -0.9, -0.1, 0.4, -0.9, 0.9], [0.4, -0.1, -0.9, -0.3, 0.3, 0.2], [0.6, 0.5, 0.6, -0.8, 1.0, -0.8]]",
        "W_Q = [[-1.2, 1.2, -0.7, -1.0, 0.02, -0.18], [2.8, -1.6, 0.3, -0.6, -0.14, 0.12], [-2.8, 2.4, -0.8, -0.7, 0.14, -0.16], [0.0, -1.2, -0.1, 0.1, 0.0, 0.02], [3.2, -1.2, 0.7, -0.1, 0.1, -0.06], [2.0, -2.0, -0.9, 0.3, -0.06, -0.1]]",
        "W_K = [[2.0, -0.8, 1.0, 0.0, 0.7, -0.4], [2.4, -1.2, 0.6, -0.5, -0.7, -0.5], [2.0, -2.4, -0.2, -0.4, 0.2, 0.4], [-3.6, -2.8, 1.0, 0.2, 0.2, 0.0], [2.8, -2.8, -0.2, -0.4, -0.3, -0.4], [2.4, -1.6, 0.8, -0.8, -0.6, 0.1]]",
        "W_V = [[0.2, 0.2, -0.1, -0.7, -0.5, -0.9], [0.3, 0.0, 0.4, -0.2, -1.0, -0.8], [0.0, -0.8, -0.5, 1.0, 0.0, 0.6], [-0.5, 0.2, 0.4, -0.2, 0.2, 0.9], [0.1, 0.1, -0.6, 0.2, 0.6, -0.5], [-0.6, 0.1, -0.4, 0.3, -0.2, 0.5]]",
        "W_O = [[-0.7, 0.4, 0.8, 0.8, 0.7, -0.9], [-0.2, 0.9, 0.1, 0.2, -0.4, -0.4], [-0.1, 0.6, -0.6, -0.8, -0.9, -0.8], [-0.3, 1.0, -0.5, 0.7, 0.4, 0.9], [-0.9, -0.5, -0.5, -0.2, 0.6, -0.4], [1.0, 0.9, 0.1, 0.9, 0.9, 0.6]]",
        "b_O = [-0.4, -1.0, 1.0, -0.6, -0.2, 0.4]",
        "target = [[0.2, -0.2, 0.4, -0.8, 0.3, 1.0], [0.1, -0.7, -0.5, -0.8, 0.4, 0.1], [0.4, -0.6, -0.3, -0.4, 0.9, -0.4], [0.9, -0.1, -0.2, 0.2, 0.3, 0.7]]",
    ]

    /// NumPy's figures, head by head (1, 2, 3).
    static let numpy: [String: [Double]] = [
        "magnitude": [10.969958978957031, 4.1521078984053394, 3.587422473029905],
        "entropy": [0.28349844649690054, 0.6188678806346337, 0.7931845078992552],
        "normalized": [0.31843871323244227, 0.7370279255277455, 0.9986209749085727],
        "sensitivity": [0.490398797758131, 0.4892728547619642, 0.5047982044102339],
        "gradient": [0.5229448460430872, 1.0715372330494992, 0.773390139790834],
    ]

    /// NumPy's ranks (1 = most important), head by head.
    static let ranks: [String: [Int]] = [
        "magnitude": [1, 2, 3], "entropy": [1, 2, 3], "sensitivity": [2, 3, 1], "gradient": [3, 1, 2],
    ]

    func interpreter(_ more: [String] = []) throws -> Interpreter {
        var interpreter = Interpreter()
        for line in Self.layer + more { _ = try interpreter.execute(line) }
        return interpreter
    }

    func outcome(_ check: String, _ interpreter: Interpreter) throws -> CheckOutcome {
        try interpreter.evaluate(try CheckParser.parse(check))
    }

    /// Why `text` is refused as a lesson line, with its file and line.
    func refusal(_ check: String) -> String {
        do {
            _ = try LessonParser.parse("title: t\nsummary: s\ncheck: \(check)", name: "x", path: "x.lesson")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func everyFigureOfEveryHeadMatchesNumPy() throws {
        let repl = try interpreter()
        for (figure, values) in Self.numpy {
            for (i, value) in values.enumerated() {
                #expect(try outcome("importance \(figure) head \(i + 1) = \(value) +- 1e-9", repl).passed, "\(figure) head \(i + 1)")
                #expect(try !outcome("importance \(figure) head \(i + 1) = \(value + 0.001) +- 1e-4", repl).passed, "\(figure) head \(i + 1)")
                #expect(try outcome("importance \(figure) head \(i + 1) < \(value + 0.001)", repl).passed)
                #expect(try !outcome("importance \(figure) head \(i + 1) > \(value + 0.001)", repl).passed)
            }
        }
    }

    /// The check reads the numbers the table prints: the same figures, to the table's decimals.
    /// (Wide enough for the figures and the ranks side by side.)
    @Test func theTablePrintsWhatTheChecksRead() throws {
        var repl = try interpreter()
        repl.width = 200
        let table = try repl.execute("importance").text
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("     ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(rows.count == 3, "\(table)")
        for (i, row) in rows.enumerated() {
            // head, weight norm, entropy, normalized, sensitivity, |dL/dg|, then the four ranks.
            #expect(row[1] == String(format: "%.3f", Self.numpy["magnitude"]![i]))
            #expect(row[2] == String(format: "%.3f", Self.numpy["entropy"]![i]))
            #expect(row[3] == String(format: "%.3f", Self.numpy["normalized"]![i]))
            #expect(row[4] == String(format: "%.3f", Self.numpy["sensitivity"]![i]))
            #expect(row[5] == String(format: "%.3g", Self.numpy["gradient"]![i]))
            #expect(row[6...].map { Int($0)! } == ["magnitude", "entropy", "sensitivity", "gradient"].map { Self.ranks[$0]![i] })
        }
        #expect(table.contains("head 1: focused") && table.contains("head 2: partly focused") && table.contains("head 3: diffuse"))
    }

    @Test func ranksMatchNumPy() throws {
        let repl = try interpreter()
        for (metric, ranks) in Self.ranks {
            for (i, rank) in ranks.enumerated() {
                #expect(try outcome("rank \(metric) head \(i + 1) = \(rank)", repl).passed, "\(metric) head \(i + 1)")
                #expect(try !outcome("rank \(metric) head \(i + 1) = \(rank % 3 + 1)", repl).passed)
                #expect(try outcome("rank \(metric) head \(i + 1) <= \(rank)", repl).passed)
            }
            let first = ranks.firstIndex(of: 1)! + 1, last = ranks.firstIndex(of: 3)! + 1
            #expect(try outcome("rank \(metric) first = head \(first)", repl).passed)
            #expect(try outcome("rank \(metric) first = \(first)", repl).passed, "a bare number is a head too")
            #expect(try outcome("rank \(metric) last = head \(last)", repl).passed)
            let wrong = try outcome("rank \(metric) last = head \(first)", repl)
            #expect(!wrong.passed && wrong.found == "head \(last)")
        }
    }

    @Test func focusIsTheTablesWord() throws {
        let repl = try interpreter()
        for (i, word) in ["focused", "partly focused", "diffuse"].enumerated() {
            #expect(try outcome("focus head \(i + 1) = \(word)", repl).passed)
            for other in ["focused", "partly focused", "diffuse"] where other != word {
                let wrong = try outcome("focus head \(i + 1) = \(other)", repl)
                #expect(!wrong.passed && wrong.found == word)
            }
        }
    }

    @Test func compareMatchesNumPy() throws {
        var repl = try interpreter()
        #expect(try outcome("compare = 0", repl).passed, "nothing pruned, nothing moved")
        _ = try repl.execute("prune head 3")
        #expect(try repl.execute("compare").text.contains("||O||: 50.5%"))
        #expect(try outcome("compare = 50.479820441023385 +- 1e-9", repl).passed)
        #expect(try !outcome("compare = 0.50479820441023385 +- 1e-3", repl).passed, "in percent, as printed")
        // Per token, by label and by row number.
        let tokens = zip(["a", "b", "c", "d"], [23.28358613627571, 78.66509973728972, 63.36870284899986, 23.81565355035553])
        for (row, (label, value)) in tokens.enumerated() {
            #expect(try outcome("compare[\(label)] = \(value) +- 1e-9", repl).passed, "\(label)")
            #expect(try outcome("compare[\(row)] = \(value) +- 1e-9", repl).passed)
            #expect(try !outcome("compare[\(label)] > \(value + 0.01)", repl).passed)
        }
        _ = try repl.execute("unprune all")
        _ = try repl.execute("gate head 1 0.5")
        #expect(try outcome("compare = 24.51993988790655 +- 1e-9", repl).passed)
        #expect(try outcome("compare[d] = 13.581165449112758 +- 1e-9", repl).passed)
        _ = try repl.execute("prune 3 by magnitude")
        #expect(try outcome("compare = 91.17950523511485 +- 1e-9", repl).passed)
        #expect(try outcome("compare[b] = 113.43906170170148 +- 1e-9", repl).passed)
        #expect(try repl.execute("compare").text.contains("b  113.4%"))
    }

    /// The figures are of the whole layer: pruning changes `compare`, not `importance`.
    @Test func pruningLeavesTheImportanceFiguresAlone() throws {
        var repl = try interpreter(["prune 2 by sensitivity"])
        #expect(try outcome("importance sensitivity head 3 = 0.5047982044102339 +- 1e-9", repl).passed)
        #expect(try outcome("rank sensitivity last = head 2", repl).passed)
        _ = try repl.execute("unprune all")
        #expect(try outcome("focus head 2 = partly focused", repl).passed)
    }

    @Test func undefinedFiguresAndMissingHeadsAreSaid() throws {
        var repl = Interpreter()   // the ready example: no target, so no gradient
        let gradient = try outcome("importance gradient head 1 = 0", repl)
        #expect(!gradient.passed && gradient.found == "undefined")
        #expect(try outcome("importance gradient head 1 = NaN", repl).passed)
        let unranked = #expect(throws: UserError.self) { try outcome("rank gradient first = head 1", repl) }
        #expect(unranked?.message.contains("needs a loss") == true)
        let missing = #expect(throws: UserError.self) { try outcome("importance entropy head 3 = 0", repl) }
        #expect(missing?.message == "the layer has 2 heads, so head 3 does not exist")
        #expect(throws: UserError.self) { try outcome("focus head 5 = diffuse", repl) }
        #expect(throws: UserError.self) { try outcome("compare[dog] = 0", repl) }
        _ = try repl.execute("Q = [[1, 0], [0, 1]]")   // direct mode: one head, no W_O
        #expect(throws: UserError.self) { try outcome("compare = 0", repl) }
        #expect(throws: UserError.self) { try outcome("importance entropy head 1 = 0", repl) }
    }

    @Test func aFailedRankCheckNamesBothHeads() throws {
        let text = "title: t\nsummary: s\n## One\ncheck: rank magnitude first = head 1\n"
        var interpreter = Interpreter()
        var conversation = ScriptedConversation()
        let outcome = LessonRunner(interactive: false).run(try LessonParser.parse(text, name: "r", path: "r.lesson"),
                                                           interpreter: &interpreter, conversation: &conversation)
        guard case let .failed(message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        // The ready example: head 2's weight norm (4.736) is larger than head 1's (3.780).
        #expect(message.contains("r.lesson line 4: rank magnitude first = head 1"), "\(message)")
        #expect(message.contains("expected: head 1\n  found:    head 2"), "\(message)")
    }

    /// Malformed checks are refused when the lesson is read, with the line and what to write.
    @Test func malformedChecksSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("importance sensitvity head 2 < 0.1", "no importance figure 'sensitvity': did you mean 'sensitivity'?"),
            ("importance sensitivity 2 < 0.1", "write importance FIGURE head N"),
            ("importance sensitivity head 0 < 0.1", "write importance FIGURE head N"),
            ("importance weight norm head 1 = 5", "write importance FIGURE head N"),
            ("importance sensitivity head 2 < small", "'small' is not a number"),
            ("rank normalized head 1 = 2", "ranks by entropy, not by normalized entropy"),
            ("rank entrpy head 1 = 2", "no ranking metric 'entrpy': did you mean 'entropy'?"),
            ("rank entropy 1 = 2", "write rank METRIC head N"),
            ("rank entropy first = 2.5", "written head N"),
            ("rank entropy last < head 2", "compared with '='"),
            ("focus head 1 = diffused", "'diffused' is not a word the importance table gives a head"),
            ("focus head 1 > focused", "compared with '='"),
            ("focus 1 = focused", "write focus head N"),
            ("compare[*] = 5", "write compare (every token) or compare[TOKEN]"),
            ("compare the = 5", "write compare (every token) or compare[TOKEN]"),
            ("compare = 8.7%", "'8.7%' is not a number"),
        ]
        for (check, problem) in cases {
            let message = refusal(check)
            #expect(message.contains("x.lesson line 3: in 'check: \(check)'") && message.contains(problem), "\(check): \(message)")
        }
    }
}
