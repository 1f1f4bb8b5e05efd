import Attention

extension Presenter {
    /// Everything one step shows: its place in the walk, title, formula, shapes, the tensors
    /// of every head (or of `head` only) and a short explanation in the learner's numbers.
    public func report(_ step: Step, head: Int? = nil) -> String {
        let steps = Step.all(direct: direct)
        let position = (steps.firstIndex(of: step) ?? 0) + 1
        var parts: [String] = []
        parts.append(style.title("Stage \(position) of \(steps.count + following.count) · \(step == .masked ? maskedTitle() : step.title)"))
        parts.append("  " + style.formula(formula(step)))
        parts.append(style.dim("  " + shapes(step)))
        // The bias is one table for every head, shown before the heads' masked scores.
        let bias = step == .masked ? shaping.bias.map { [Self.biasTable($0, labels: labels, format: format, style: style, width: width)] } ?? [] : []
        parts.append((bias + step.stages(direct: direct).map { tables($0, head: head) }).joined(separator: "\n\n"))
        parts.append(Prose.wrap(explanation(step, head: head ?? 0), width: width))
        if let next = steps.firstIndex(of: step).flatMap({ $0 + 1 < steps.count ? steps[$0 + 1] : nil }) {
            parts.append(style.dim("Next: `step` for \(next.rawValue) (\(next.summary(direct: direct, shaped: shaping.isActive)))."))
        } else if let next = following.first {
            parts.append(style.dim("Next: `step` for \(next.name) (\(next.summary)): the rest of the model's block."))
        } else {
            parts.append(style.dim("That was the last step. `why STAGE ROW COL` shows the arithmetic of any cell."))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The step's formula, in the paper's notation.
    public func formula(_ step: Step) -> String {
        switch step {
        case .input: return direct ? "Q, K, V given directly (no projections)" : "X: one row per token"
        case .projection: return "Q_i = X W_Q^i + b_Q^i    K_i = X W_K^i + b_K^i    V_i = X W_V^i + b_V^i"
        case .scores: return direct ? "scores = Q Kᵀ" : "scores_i = Q_i K_iᵀ"
        case .scaled: return direct ? "scaled = scores / sqrt(d_k)" : "scaled_i = scores_i / sqrt(d_k)"
        case .masked: return maskedFormula()
        case .weights: return "weights[q][k] = exp(masked[q][k]) / Σ_j exp(masked[q][j])    (softmax of each row)"
        case .head_out: return direct ? "output = weights V" : "head_i = weights_i V_i"
        case .concat: return "concat = [head_1 | head_2 | ... | head_h]"
        case .output: return "output = concat W_O + b_O"
        }
    }

    /// The shapes that go in and come out of the step.
    public func shapes(_ step: Step) -> String {
        let (n, m, dK, dV, h) = (trace.n, trace.m, trace.dK, trace.dV, headCount)
        let each = direct ? "" : h == 1 ? ", in the single head" : ", for each of \(h) heads"
        switch step {
        case .input:
            if direct { return "Q \(n) x \(dK) (queries), K \(m) x \(dK) (keys), V \(m) x \(dV) (values)" }
            return "X \(n) x \(dModel) (n tokens x d_model), \(h) head\(h == 1 ? "" : "s"), d_k = \(dK)"
        case .projection:
            return "X \(n) x \(dModel) times W_Q^i \(dModel) x \(dK) gives Q_i \(n) x \(dK) (likewise K_i; V_i \(n) x \(dV))\(each)"
        case .scores:
            return "Q \(n) x \(dK) times Kᵀ \(dK) x \(m) gives \(n) x \(m) (queries x keys)\(each)"
        case .scaled, .masked, .weights:
            return "\(n) x \(m) in, \(n) x \(m) out (queries x keys)\(each)"
        case .head_out:
            return "weights \(n) x \(m) times V \(m) x \(dV) gives \(n) x \(dV)\(each)"
        case .concat:
            return "\(h) heads of \(n) x \(dV) side by side give \(n) x \(h * dV)"
        case .output:
            return "concat \(n) x \(h * dV) times W_O \(h * dV) x \(trace.output.cols) gives \(n) x \(trace.output.cols)"
        }
    }

    var dModel: Int {
        if case let .multiHead(c) = trace.configuration { return c.X.cols }
        return trace.dK
    }

    /// The row used as the running example: the last query with at least one visible key
    /// (under a causal mask it sees every token).
    var exampleRow: Int {
        (0..<trace.n).reversed().first { !trace.fullyBlockedRows.contains($0) } ?? trace.n - 1
    }

    /// `sentence` as said of one head: "In head 2, the scores ..." in multi-head mode, "The
    /// scores ..." in direct mode, where there is only one head.
    func inHead(_ head: Int, _ sentence: String) -> String {
        direct ? sentence.prefix(1).uppercased() + sentence.dropFirst() : "In head \(head + 1), " + sentence
    }

    /// A short explanation of the step using the trace's own numbers.
    public func explanation(_ step: Step, head: Int) -> String {
        let q = exampleRow
        let f = format
        switch step {
        case .input:
            if direct {
                return "Plain scaled dot-product attention: \(trace.n) queries look at \(trace.m) keys. "
                    + "Each query is a vector of d_k = \(trace.dK) numbers; each key has a value row of \(trace.dV) numbers "
                    + "that is passed on in proportion to how well query and key match."
            }
            return "Each of the \(trace.n) tokens is a vector of d_model = \(dModel) numbers "
                + "(\(labels.query(q)) is \(f.list(trace.tensor(.X)!.row(q)))). "
                + "Attention lets every token gather information from the others. Next each head projects X into queries, keys and values."
        case .projection:
            let h = headCount
            var text = "Each head has its own W_Q^i, W_K^i, W_V^i: column block i of W_Q, W_K, W_V. "
                + inHead(head, "the query of \(labels.query(q)) is \(f.list(trace.heads[head].Q.row(q))), ")
                + "its key \(f.list(trace.heads[head].K.row(q))) and its value \(f.list(trace.heads[head].V.row(q))). "
            if h == 1 {
                text += "With a single head, d_k = \(trace.dK): the head works at full width and must fit every relationship it finds into one set of weights."
            } else if trace.dK * h == dModel {
                text += "With d_k = d_model / h = \(dModel) / \(h) = \(trace.dK), the \(h) heads together cost about as much as one full-width head, "
                    + "but each looks at the tokens in its own smaller subspace, so each can pick up a different relationship."
            } else {
                text += "d_k = \(trace.dK) is set explicitly (d_model / h would be \(f.string(Double(dModel) / Double(h)))): "
                    + "the heads together are \(trace.dK * h) wide instead of d_model = \(dModel)."
            }
            return text
        case .scores:
            let row = trace.heads[head].scores.row(q)
            let (high, low) = (row.max() ?? 0, row.min() ?? 0)
            let intro = "Entry [q][k] is the dot product of query q and key k: the larger, the better they match. "
            guard high > low else {
                return intro + inHead(head, "every key scores \(f.string(high)) for \(labels.query(q)): it has no preference yet.")
            }
            return intro + inHead(head, "\(labels.query(q)) matches \(keys(scoring: high, in: row)) best (score \(f.string(high))); ")
                + "\(keys(scoring: low, in: row)) least (\(f.string(low)))."
        case .scaled:
            guard trace.scaling else {
                return "Scaling is off (`set scaling off`): scaled = scores, so with d_k = \(trace.dK) the scores reach the softmax "
                    + "sqrt(\(trace.dK)) = \(f.string(Double(trace.dK).squareRoot())) times larger than they should. "
                    + "Larger scores make the softmax peakier: watch the weights. `set scaling on` puts the division back."
                    + temperatureAhead()
            }
            let root = Double(trace.dK).squareRoot()
            let scores = trace.heads[head].scores.values, scaled = trace.heads[head].scaled.values
            return "Every score is divided by sqrt(d_k) = sqrt(\(trace.dK)) = \(f.string(root)). "
                + inHead(head, "the scores span \(f.string(scores.min()!)) to \(f.string(scores.max()!)); ")
                + "scaled, \(f.string(scaled.min()!)) to \(f.string(scaled.max()!)). "
                + "Why: a dot product adds up d_k products, so its spread grows with d_k (variance d_k for unit-variance entries). "
                + "Unscaled, large d_k drives the softmax to put nearly all weight on one key, and learning stalls."
                + temperatureAhead()
        case .masked:
            guard shaping.isActive else { return maskExplanation() }
            return shapingExplanation(head: head) + "\n\n" + maskExplanation()
        case .weights:
            let row = trace.heads[head].weights.row(q)
            var text = "Softmax makes each row positive and sum to 1. "
            if trace.fullyBlockedRows.contains(q) { return text + blockedRowsWarning() }
            text += inHead(head, "row \(labels.query(q)) is ") + Self.elided(row.map(f.string)).joined(separator: " + ")
                + " = \(f.string(row.reduce(0, +))). "
            let heads = direct ? [0] : Array(0..<min(headCount, 4))
            let favourites = heads.map { i -> String in
                let w = trace.heads[i].weights.row(q).enumerated().filter { !trace.blocked[q, $0.offset] }.map(\.element)
                let visible = (0..<trace.m).filter { !trace.blocked[q, $0] }
                let inHead = direct ? "" : " in head \(i + 1)"
                // A tie between every visible key is no preference: say so rather than name one.
                if let high = w.max(), let low = w.min(), high - low < 1e-9, visible.count > 1 {
                    return "every visible key equally (\(f.string(high)) each)\(inHead)"
                }
                let best = visible[argmax(w)]
                return "\(labels.key(best)) (\(f.string(trace.heads[i].weights[q, best])))" + inHead
            }
            text += "\(labels.query(q)) attends most to " + favourites.joined(separator: ", ") + "."
            let tempered = temperatureInNumbers(head: head)
            return text + (tempered.isEmpty ? "" : " " + tempered) + blockedRowsNote()
        case .head_out:
            let weights = trace.heads[head].weights.row(q)
            let terms = weights.indices.filter { !trace.blocked[q, $0] }
                .map { "\(f.string(weights[$0]))·v_\(labels.keys[$0])" }
            var text = "Each query's output is the weighted average of the value rows, using its row of weights. "
                + inHead(head, "\(labels.query(q)) gets ") + Self.elided(terms).joined(separator: " + ")
                + " = \(f.list(trace.heads[head].headOut.row(q))). "
            text += direct ? "In direct mode this is the output."
                : headCount == 1 ? "With one head, this is the only view each token gets of the others."
                : "The heads work independently of each other, so they can run in parallel."
            return text + blockedRowsNote()
        case .concat:
            let dV = trace.dV
            let blocks = (0..<headCount).map { "\($0 * dV)-\(($0 + 1) * dV - 1) from head \($0 + 1)" }
            if headCount == 1 {
                return "With a single head there is nothing to place side by side: concat is head_1 itself (\(trace.n) x \(dV))."
                    + (trace.gate(0) == 1 ? "" : " Its gate \(format.string(trace.gate(0))) scales it first.")
            }
            let gates = (0..<headCount).filter { trace.gate($0) != 1 }
                .map { trace.gate($0) == 0 ? "head \($0 + 1) is pruned (zeros)" : "head \($0 + 1) is scaled by its gate \(format.string(trace.gate($0)))" }
            return "The \(headCount) head outputs (\(trace.n) x \(dV) each) are placed side by side: columns "
                + blocks.prefix(4).joined(separator: ", ") + (headCount > 4 ? ", ..." : "") + ". "
                + "Nothing is combined yet: every column still comes from a single head."
                + (gates.isEmpty ? "" : " Here " + gates.joined(separator: ", ") + ".")
        case .output:
            guard case let .multiHead(c) = trace.configuration, let concat = trace.concat else { return "" }
            if (0..<headCount).allSatisfy({ trace.gate($0) == 0 }) {
                return "Every head is pruned, so concat is all zeros and the output is just b_O"
                    + (c.b_O == nil ? " (zero: no b_O is set)." : ", the same row for every token.") + blockedRowsNote()
            }
            if c.W_O == Matrix.identity(c.W_O.rows) {
                return "W_O is the identity here, so nothing is mixed: output = concat" + (c.b_O == nil ? "" : " + b_O")
                    + ", and each output feature still comes from a single head. That is the classic mistake of leaving W_O out: "
                    + "the heads' findings sit side by side and are never combined." + blockedRowsNote()
            }
            let column = c.W_O.column(0)
            let bias = c.b_O.map { " + b_O[0] \(f.string($0[0]))" } ?? ""
            let value = f.string(zip(concat.row(q), column).reduce(0) { $0 + $1.0 * $1.1 } + (c.b_O?[0] ?? 0))
            guard headCount > 1 else {
                return "W_O maps the head's output back to d_model features: output[\(labels.queries[q])][0] = concat row "
                    + "\(labels.query(q)) · W_O column 0\(bias) = \(value). With several heads, this is also where their findings are combined."
                    + blockedRowsNote()
            }
            return "W_O mixes what the heads found: output[\(labels.queries[q])][0] = concat row \(labels.query(q)) · W_O column 0\(bias) = "
                + "\(value), a sum over the columns of every head. Without W_O each output feature would come from one head "
                + "only: the output's width would be tied to h·d_v and each head could write only its own slice of it. "
                + "Later layers could still combine the slices, so W_O is not the only place heads meet, but it is the first."
                + blockedRowsNote()
        }
    }

    func maskExplanation() -> String {
        let blockedCount = trace.blocked.blocked.filter { $0 }.count
        guard blockedCount > 0 else {
            return "No mask and no key padding: every query may look at every key" + (shaping.isActive ? ". " : ", so masked = scaled. ")
                + "`mask causal` hides later tokens from earlier ones; `pad I` hides key I from every query."
        }
        var parts: [String] = []
        if let config = maskSetting, case .causal = config {
            parts.append("The causal mask lets each token see itself and earlier tokens only. In training every position is "
                         + "computed at once and each must predict the token after it without seeing it "
                         + "(Vaswani et al. 2017, section 3.2.3)")
        } else if let config = maskSetting, case let .causalOffset(offset) = config {
            let sign = offset < 0 ? "−" : "+"
            parts.append("The causal mask with offset \(offset) lets query i see keys 0 to i \(sign) \(offset.magnitude)"
                         + (offset == trace.m - trace.n
                            ? ": the KV-cache case, where the \(trace.n) queries are the last \(trace.n) of \(trace.m) positions "
                                + "and each sees every earlier position and itself (PyTorch's causal_lower_right)"
                            : ""))
        } else if let config = maskSetting, case .custom = config {
            parts.append("A custom mask blocks the pairs marked x")
        }
        if !padding.isEmpty {
            parts.append("key padding hides " + padding.sorted().map { labels.key($0) }.joined(separator: ", ")
                         + " from every query, as padding in a batch of unequal lengths")
        }
        var text = parts.joined(separator: "; ") + ". "
        text += "\(blockedCount) of \(trace.n * trace.m) pairs are blocked: their score becomes -inf, so after the softmax their weight is exactly 0.\n\n"
        text += maskTable()
        return text + blockedRowsNote()
    }

    var maskSetting: MaskSetting? {
        switch trace.configuration {
        case let .multiHead(c): return c.mask
        case let .direct(c): return c.mask
        }
    }

    var padding: Set<Int> {
        switch trace.configuration {
        case let .multiHead(c): return c.keyPadding
        case let .direct(c): return c.keyPadding
        }
    }

    /// A warning, in a paragraph of its own, when some query sees no key at all.
    func blockedRowsNote() -> String {
        trace.fullyBlockedRows.isEmpty ? "" : "\n\n" + blockedRowsWarning()
    }

    func blockedRowsWarning() -> String {
        let rows = trace.fullyBlockedRows.map { labels.query($0) }.joined(separator: ", ")
        return style.warning("Warning: ") + "\(rows) \(trace.fullyBlockedRows.count == 1 ? "has" : "have") every key blocked. "
            + "The softmax of a row of -inf is 0 / 0, so the weights, head outputs and output of that row are NaN, "
            + "as in a plain softmax and in PyTorch's nn.MultiheadAttention; since PyTorch 2.5, "
            + "F.scaled_dot_product_attention returns zeros for such a row instead. "
            + "Unblock at least one key for it (change the mask or `pad none`)."
    }

    /// Every key whose score in `row` equals `value`, as "'red' and 'blue'": ties are named,
    /// not broken.
    func keys(scoring value: Double, in row: [Double]) -> String {
        let names = row.indices.filter { row[$0] == value }.map { labels.key($0) }
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    func argmax(_ values: [Double]) -> Int {
        values.indices.max { values[$0] < values[$1] } ?? 0   // the first of equal maxima
    }

}
