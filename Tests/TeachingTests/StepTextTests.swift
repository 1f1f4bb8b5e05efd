import Attention
import Teaching
import Testing

/// Explanations use the learner's own numbers: the key numbers and words appear.
@Suite("Step explanations")
struct StepTextTests {
    /// Direct mode, hand-checked: Q = K = I, V = [[1, 2], [3, 4]], d_k = 2.
    /// scaled = I / sqrt(2); weights row 1 = [0.330, 0.670]; output row 1 = [2.340, 3.340].
    let presenter: Presenter = {
        let I = Matrix.identity(2)
        let trace = try! Trace.compute(.direct(DirectConfiguration(Q: I, K: I, V: try! Matrix([[1, 2], [3, 4]]))))
        return Presenter(trace: trace, tokens: ["cat", "sat"], width: 10_000)   // no wrapping
    }()

    @Test func scalingNamesTheFactorAndTheReason() {
        let text = presenter.report(.scaled)
        #expect(text.contains("sqrt(d_k) = sqrt(2) = 1.414"))
        #expect(text.contains("0 to 1.000") && text.contains("0 to 0.707"))
        #expect(text.contains("saturate") || text.contains("nearly all weight on one key"))
    }

    @Test func softmaxRowSumsToOne() {
        let text = presenter.report(.weights)
        #expect(text.contains("0.330 + 0.670 = 1.000"))
        #expect(text.contains("'sat' attends most to 'sat' (0.670)"))
    }

    @Test func headOutputIsAWeightedSum() {
        let text = presenter.report(.head_out)
        #expect(text.contains("0.330·v_cat + 0.670·v_sat = [2.340, 3.340]"))
        #expect(text.contains("In direct mode this is the output"))
    }

    /// Twelve keys with equal scores (Q = [0]): every weight is 1/12 = 0.083, and V = I makes
    /// the output [0.083, ..., 0.083]. The row sum and the weighted average show their ends and
    /// count the rest; the total is of all twelve.
    @Test func longRowsShowTheirEnds() throws {
        let trace = try Trace.compute(.direct(DirectConfiguration(
            Q: try Matrix([[0]]), K: Matrix(rows: 12, cols: 1) { row, _ in Double(row) }, V: Matrix.identity(12))))
        let presenter = Presenter(trace: trace, tokens: [], width: 10_000)
        let sixTerms = Array(repeating: "0.083", count: 6).joined(separator: " + ")
        #expect(presenter.report(.weights).contains(sixTerms + " + (4 more terms) + 0.083 + 0.083 = 1.000"))
        let output = "[0.083, 0.083, 0.083, 0.083, 0.083, 0.083, … 4 more, 0.083, 0.083]"
        #expect(presenter.report(.head_out).contains("0.083·v_k0 + 0.083·v_k1 + 0.083·v_k2 + 0.083·v_k3 + 0.083·v_k4 "
                                                     + "+ 0.083·v_k5 + (4 more terms) + 0.083·v_k10 + 0.083·v_k11 = " + output))
    }

    @Test func layerStepsMentionSubspacesAndWO() throws {
        let I = Matrix.identity(4)
        let trace = try Trace.compute(.multiHead(MultiHeadConfiguration(X: I, heads: 2, W_Q: I, W_K: I, W_V: I, W_O: I)))
        let presenter = Presenter(trace: trace, tokens: ["a", "b", "c", "d"], width: 10_000)
        #expect(presenter.report(.projection).contains("d_k = d_model / h = 4 / 2 = 2"))
        let concat = presenter.report(.concat)
        #expect(concat.contains("columns 0-1 from head 1, 2-3 from head 2"))
        // W_O = I mixes nothing: the report must say so rather than praise the mixing.
        let identity = presenter.report(.output)
        #expect(identity.contains("W_O is the identity here, so nothing is mixed: output = concat"))
        #expect(identity.contains("Stage 9 of 9"))

        // A W_O that mixes: output[d][0] = concat row 'd' · column 0 of W_O = 2 · concat[d][0].
        let W_O = I.scaled(by: 2)
        let mixing = Presenter(trace: try Trace.compute(.multiHead(MultiHeadConfiguration(X: I, heads: 2, W_Q: I, W_K: I, W_V: I, W_O: W_O))),
                               tokens: ["a", "b", "c", "d"], width: 10_000)
        let output = mixing.report(.output)
        #expect(output.contains("W_O mixes what the heads found: output[d][0] = concat row 'd' · W_O column 0 = "
                                + NumberFormat().string(2 * mixing.trace.concat![3, 0])))
        // Not "never combined": later layers could combine the heads' slices (issue 14).
        #expect(output.contains("each head could write only its own slice"))
        #expect(!output.contains("never be combined"))
    }

    @Test func maskAndFullyBlockedRowsAreExplained() throws {
        let I = Matrix.identity(3)
        let config = MultiHeadConfiguration(X: I, heads: 1, W_Q: I, W_K: I, W_V: I, W_O: I, mask: .causal, keyPadding: [0])
        let presenter = Presenter(trace: try Trace.compute(.multiHead(config)), tokens: ["the", "cat", "sat"], width: 10_000)
        let text = presenter.report(.masked)
        #expect(text.contains("causal mask") && text.contains("hides 'the' from every query"))
        #expect(text.contains("6 of 9 pairs are blocked"))   // 3 above the diagonal (causal) and column 0 (padding)
        #expect(text.contains("'the' has every key blocked") && text.contains("NaN"))
        #expect(presenter.report(.weights).contains("NaN"))
        // The mask's reason is training, not that later tokens do not exist yet (issue 14), and
        // PyTorch gives NaN or zeros depending on the function.
        #expect(text.contains("predict the token after it without seeing it") && text.contains("section 3.2.3"))
        #expect(text.contains("F.scaled_dot_product_attention returns zeros"))
    }

    @Test func explainGivesIdeaWhyAndPitfall() {
        let text = presenter.explain(.scaled)
        #expect(text.contains("Why:") && text.contains("Pitfall:") && text.contains("In your numbers:"))
        #expect(presenter.explain(.heads).contains("blend"))
    }
}

@Suite("Ties are named, not broken")
struct TieTests {
    @Test func tiedKeysAreAllNamed() throws {
        // q = [1, 1] against keys [1, 0], [0, 1], [1, 1]: scores 1, 1, 2.
        let trace = try Trace.compute(.direct(DirectConfiguration(
            Q: try Matrix([[1, 1]]), K: try Matrix([[1, 0], [0, 1], [1, 1]]), V: Matrix.identity(3).columns(0..<2))))
        let text = Presenter(trace: trace, tokens: [], width: 10_000).report(.scores)
        #expect(text.contains("'q0' matches 'k2' best (score 2.000); 'k0' and 'k1' least (1.000)."))
    }
}
