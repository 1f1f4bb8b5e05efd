import Attention
import Gradients

extension GradientPresenter {
    /// Everything one backward step shows: its place in the walk, the rule in one line, the
    /// shapes, the gradient tensors (every head or `head` only) and what they say in the
    /// learner's numbers.
    public func report(_ step: BackwardStep, head: Int? = nil) -> String {
        let steps = BackwardStep.all(direct: direct)
        let position = (steps.firstIndex(of: step) ?? 0) + 1
        var parts: [String] = []
        parts.append(style.title("Backward \(position) of \(steps.count) · \(step.title(direct: direct, tempered: trace.shaping.temperature != 1))"))
        parts.append(rule(step).map { "  " + style.formula($0) }.joined(separator: "\n"))
        parts.append(style.dim("  " + shapes(step)))
        parts.append(shown(step).map { name in
            name == "gates" ? gatesReport() : tables(name, head: head)
        }.joined(separator: "\n\n"))
        parts.append(Prose.wrap(explanation(step, head: head ?? defaultHead), width: width))
        if let next = steps.firstIndex(of: step).flatMap({ $0 + 1 < steps.count ? steps[$0 + 1] : nil }) {
            parts.append(style.dim("Next: `backward` for \(next.rawValue) (\(next.summary(direct: direct, tempered: trace.shaping.temperature != 1)))."))
        } else {
            parts.append(style.dim("That was the last backward step. `fit N` takes N steps of gradient descent; "
                                   + "`why grad STAGE ROW COL` shows the arithmetic of any gradient cell."))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The gradients a step shows, by name.
    func shown(_ step: BackwardStep) -> [String] {
        switch step {
        case .output: return ["output"]
        case .concat: return ["concat", "W_O", "b_O"]
        case .head_out: return ["head_out", "gates"]
        case .weights: return ["weights", "V"]
        case .masked: return ["masked"]
        case .scaled: return ["scaled"]
        case .scores: return ["scores"]
        case .projection: return ["Q", "K"]
        case .parameters: return ["W_Q", "W_K", "W_V"] + definedBiases(["b_Q", "b_K", "b_V"])
        case .input: return direct ? ["Q", "K", "V"] : ["X"]
        }
    }

    /// The biases among `names` that the layer has (an unset bias is zero and not learned).
    func definedBiases(_ names: [String]) -> [String] {
        guard case let .multiHead(c) = trace.configuration else { return [] }
        let set = ["b_Q": c.b_Q, "b_K": c.b_K, "b_V": c.b_V, "b_O": c.b_O].compactMapValues { $0 }
        return names.filter { set[$0] != nil }
    }

    /// The step's rule, one line per gradient, in the paper's notation.
    public func rule(_ step: BackwardStep) -> [String] {
        let count = "\(loss.rows.count)·\(trace.output.cols)"
        switch step {
        case .output: return ["dL/doutput = 2 (output − target) / (\(count))"]
        case .concat: return ["dL/dconcat = dL/doutput W_Oᵀ    dL/dW_O = concatᵀ dL/doutput    dL/db_O = Σ_rows dL/doutput"]
        case .head_out: return ["dL/dhead_i = g_i · dL/dconcat[:, block i]    dL/dg_i = Σ dL/dconcat[:, block i] ⊙ head_i"]
        case .weights:
            return [direct ? "dL/dweights = dL/doutput Vᵀ    dL/dV = weightsᵀ dL/doutput    (output = weights V)"
                           : "dL/dweights_i = dL/dhead_i V_iᵀ    dL/dV_i = weights_iᵀ dL/dhead_i"]
        case .masked: return ["dL/dmasked = w ⊙ (g − rowsum(g ⊙ w)),  w = weights, g = dL/dweights    (the softmax's Jacobian-vector product)"]
        case .scaled:
            let T = trace.shaping.temperature
            return [T == 1 ? "dL/dscaled = dL/dmasked where the pair is open, 0 where it is blocked"
                           : "dL/dscaled = dL/dmasked / T where the pair is open (T = \(Presenter.temperature(T))), 0 where it is blocked"]
        case .scores:
            return [trace.scaling ? "dL/dscores = dL/dscaled / sqrt(d_k)" : "dL/dscores = dL/dscaled    (scaling is off)"]
        case .projection: return ["dL/dQ_i = dL/dscores_i K_i    dL/dK_i = dL/dscores_iᵀ Q_i    (dL/dV_i came with the weights)"]
        case .parameters: return ["dL/dW_Q = Xᵀ dL/dQ    dL/db_Q = Σ_rows dL/dQ    (likewise K and V; dL/dQ is every head's side by side)"]
        case .input:
            return direct ? ["dL/dQ = dL/dscores K    dL/dK = dL/dscoresᵀ Q    dL/dV = weightsᵀ dL/doutput"]
                : ["dL/dX = dL/dQ W_Qᵀ + dL/dK W_Kᵀ + dL/dV W_Vᵀ"]
        }
    }

    /// The shapes of the step's gradients: each has its forward tensor's shape.
    public func shapes(_ step: BackwardStep) -> String {
        let (n, m, dK, dV, h) = (trace.n, trace.m, trace.dK, trace.dV, headCount)
        let each = direct ? "" : h == 1 ? ", in the single head" : ", for each of \(h) heads"
        let dOut = trace.output.cols
        switch step {
        case .output: return "dL/doutput is \(n) x \(dOut), like the output"
        case .concat: return "dL/dconcat \(n) x \(h * dV), dL/dW_O \(h * dV) x \(dOut), dL/db_O \(dOut)"
        case .head_out: return "dL/dhead_out \(n) x \(dV)\(each); dL/dgates: \(h) numbers"
        case .weights: return "dL/dweights \(n) x \(m), dL/dV \(m) x \(dV)\(each)"
        case .masked, .scaled, .scores: return "\(n) x \(m) (queries x keys)\(each)"
        case .projection: return "dL/dQ \(n) x \(dK), dL/dK \(m) x \(dK)\(each)"
        case .parameters:
            guard case let .multiHead(c) = trace.configuration else { return "" }
            return "dL/dW_Q and dL/dW_K \(c.W_Q.rows) x \(c.W_Q.cols), dL/dW_V \(c.W_V.rows) x \(c.W_V.cols): the shapes of the weights"
        case .input:
            return direct ? "dL/dQ \(n) x \(dK), dL/dK \(m) x \(dK), dL/dV \(m) x \(dV)" : "dL/dX \(n) x \(forward.dModel), like X"
        }
    }

    /// What the step's gradients say, in the learner's numbers.
    public func explanation(_ step: BackwardStep, head: Int) -> String {
        let q = exampleRow
        let inHead = { (sentence: String) in forward.inHead(head, sentence) }
        // Once the loss is 0, or the gradient of a stage is, there is nothing to read in it.
        guard loss.value > 0 else {
            return "The output equals the target, so L = 0 and every gradient is 0: nothing would change. "
                + "Set a target that differs (`target = ...`) to see the gradients at work."
        }
        switch step {
        case .output:
            let f = format(for: gradients.output.values + [loss.value])
            let (r, j) = largestEntry(gradients.output, rows: loss.rows)
            let g = gradients.output[r, j]
            return "The loss is L = \(FitReport.loss(loss.value)) (`loss` shows its arithmetic). "
                + "Entry [r][j] is how fast L grows as output[r][j] grows: positive where the output is above its target, "
                + "negative where it is below. The largest is dL/doutput[\(labels.queries[r])][\(j)] = \(f.string(g)): "
                + "output \(forward.format.string(trace.output[r, j])) against a target of \(forward.format.string(target[r, j])), "
                + "so \(g > 0 ? "lowering" : "raising") that number would lower the loss fastest. "
                + "Every gradient that follows is this one carried back through a stage by the chain rule."
        case .concat:
            guard let layer = gradients.layer, case let .multiHead(c) = trace.configuration else { return "" }
            let f = format(for: layer.concat.values + layer.W_O.values)
            let (a, b) = largestEntry(layer.W_O)
            return "Back through output = concat W_O + b_O. Each column of the concatenation reaches every output "
                + "number through its row of W_O, so its gradient collects theirs: for \(labels.query(q)), "
                + "dL/dconcat = \(f.list(layer.concat.row(q))). W_O's own gradient, concatᵀ dL/doutput, is largest at "
                + "[\(a)][\(b)] (\(f.string(layer.W_O[a, b]))): that is where a step of plain gradient descent (SGD, "
                + "−lr times the gradient) would change W_O most; Adam, `fit`'s default, moves every entry by about lr. "
                + "b_O, added to every row, gets the column sums of dL/doutput"
                + (c.b_O == nil ? " (b_O is not set, so `fit` leaves it at zero)." : ".")
        case .head_out:
            guard gradients.layer != nil else { return "" }
            let gate = trace.gate(head)
            let own = gate == 1 ? "dL/dhead_out is its block of dL/dconcat unchanged (its gate is 1)"
                : gate == 0 ? "dL/dhead_out is 0: the head is pruned (gate 0), so its output cannot reach the loss"
                : "dL/dhead_out is its block of dL/dconcat times its gate \(forward.format.string(gate))"
            return "Each head's output entered the concatenation as g_i · head_i, so each head gets back its own block of "
                + "columns of dL/dconcat, times its gate. " + inHead(own + ". ")
                + "The gates' own gradients, dL/dg_i, are above: the sum over the block of dL/dconcat times the head's output."
        case .weights:
            let h = gradients.heads[head]
            if let silent = silentHead(head) { return silent }
            let f = format(for: h.weights.row(q))
            let visible = (0..<trace.m).filter { !trace.blocked[q, $0] }
            var text = "Back through head_out = weights V: dL/dweights[q][k] = dL/dhead_out[q] · v_k, how fast L would change "
                + "per unit of weight on key k. "
            guard let best = visible.min(by: { h.weights[q, $0] < h.weights[q, $1] }) else { return text + forward.blockedRowsWarning() }
            text += inHead("for \(labels.query(q)) it is \(f.list(h.weights.row(q))). ")
            text += h.weights[q, best] < 0
                ? "On its own, more weight on \(labels.key(best)) would lower the loss fastest. "
                : "Every entry is positive or zero: on its own, more weight on any key would raise the loss. "
            text += "But a row of weights must sum to 1, so only how each entry compares with the others matters: "
                + "the softmax's backward pass (next) turns this into which scores to raise. "
                + "Meanwhile dL/dV = weightsᵀ dL/dhead_out: each value row is pulled by the queries that attend to it, in proportion to their weights."
            return text
        case .masked:
            if let silent = silentHead(head) { return silent }
            let h = gradients.heads[head]
            let row = h.masked.row(q)
            let f = format(for: row)
            let visible = (0..<trace.m).filter { !trace.blocked[q, $0] }
            guard visible.count > 1, let down = visible.min(by: { row[$0] < row[$1] }),
                  let up = visible.max(by: { row[$0] < row[$1] }) else {
                return "With at most one visible key the softmax gives that key weight 1 whatever its score: the gradient is 0."
            }
            let average = zip(trace.heads[head].weights.row(q), h.weights.row(q)).reduce(0) { $0 + $1.0 * $1.1 }
            var text = "Back through the softmax: dL/dmasked[q][k] = w_k (g_k − Σ_t w_t g_t). Raising one score takes weight "
                + "from every other key in the row, so what counts is how a key's g compares with the row's weighted average. "
            text += inHead("for \(labels.query(q)) the average is \(f.string(average)) and dL/dmasked = \(f.list(row)) "
                           + "(the row sums to 0: raising every score alike changes nothing). ")
            if row[down] < 0 {
                text += "Raising the score of \(labels.query(q)) for \(labels.key(down)) would lower the loss most (\(f.string(row[down])))"
                text += row[up] > 0 ? "; raising it for \(labels.key(up)) would raise the loss (\(f.string(row[up])))." : "."
            } else {
                text += "Every entry of this row is 0: its weights are already where the loss wants them."
            }
            if trace.blocked.blocked.contains(true) { text += " Blocked keys have weight 0, so they get 0." }
            return text
        case .scaled:
            let blocked = trace.blocked.blocked.filter { $0 }.count
            let T = trace.shaping.temperature
            var shaping = ""
            if T != 1 {
                let factor = Presenter.temperature(T < 1 ? 1 / T : T)
                shaping += " Because masked = \(trace.shaping.bias == nil ? "scaled" : "(scaled + bias)") / T, every open pair's gradient "
                    + "is divided by T = \(Presenter.temperature(T)) on its way back (made \(factor) times \(T < 1 ? "larger" : "smaller"))."
            }
            if trace.shaping.bias != nil {
                shaping += " The bias is a constant: it changed the forward numbers, and through them every gradient, "
                    + "but it has no gradient of its own and adds nothing on the way back."
            }
            guard blocked > 0 else {
                return (T == 1 ? "Nothing is blocked, so dL/dscaled = dL/dmasked: the mask passes the gradient through unchanged."
                               : "Nothing is blocked, so only the temperature acts on the gradient.") + shaping
            }
            return "The mask replaced \(blocked) of \(trace.n * trace.m) scaled scores by -inf, a constant that no weight of the layer can move: "
                + "those pairs pass no gradient back (0). Every open pair passes its gradient through"
                + (T == 1 ? " unchanged." : ".") + shaping
        case .scores:
            guard trace.scaling else {
                return "Scaling is off (`set scaling off`), so scaled = scores and dL/dscores = dL/dscaled: the gradient passes "
                    + "through unchanged. With scaling on, both the weights and this gradient would be different."
            }
            let root = Double(trace.dK).squareRoot()
            return "scaled = scores / sqrt(d_k), so every gradient is divided by sqrt(\(trace.dK)) = \(forward.format.string(root)) too. "
                + "Without the scaling, wide heads would give scores large enough to saturate the softmax: one weight near 1, "
                + "the rest near 0, and then w_k (g_k − Σ w g) is near 0 for every key, so the gradient all but vanishes. "
                + "Vaswani et al. (2017, section 3.2.1) give this reason for dividing by sqrt(d_k)."
        case .projection:
            if let silent = silentHead(head) { return silent }
            let h = gradients.heads[head]
            let f = format(for: h.Q.row(q))
            return "scores = Q Kᵀ, so dL/dQ[q] = Σ_k dL/dscores[q][k] k_k: a query should move, against this gradient, toward "
                + "the keys whose scores should rise and away from the others; each key likewise toward the queries that "
                + "should match it more. " + inHead("for \(labels.query(q)) dL/dQ = \(f.list(h.Q.row(q))). ")
                + "The queries are not trained directly: `fit` changes W_Q and b_Q, and the next stage shows how."
        case .parameters:
            guard let layer = gradients.layer else { return "" }
            let entries = [("W_Q", layer.W_Q), ("W_K", layer.W_K), ("W_V", layer.W_V)].map { name, g -> String in
                let (a, b) = largestEntry(g)
                return "\(name)[\(a)][\(b)] (\(format(for: g.values).string(g[a, b])))"
            }
            var text = "Every head's dL/dQ side by side (n x h·d_k) goes back through Q = X W_Q + b_Q: dL/dW_Q[a][b] = "
                + "Σ_tokens X[t][a] dL/dQ[t][b], each token's input times what its query should do. The largest entries are "
                + entries.joined(separator: ", ") + ". `fit` lowers the loss by stepping against these gradients: "
                + "`fit N sgd` moves every weight by −lr times its gradient, and Adam, the default, moves each by about lr "
                + "in the direction its recent gradients agree on."
            if definedBiases(["b_K"]) == ["b_K"] {
                text += " dL/db_K is 0 in exact arithmetic (what shows is rounding): adding the same b_K to every key adds "
                    + "q·b_K to a query's whole row of scores, which the softmax ignores."
            }
            return text
        case .input:
            if direct {
                return "In direct mode Q, K and V are what you gave, so the backward pass ends here: dL/dQ, dL/dK and dL/dV "
                    + "say how each of their numbers should change. `fit` changes them."
            }
            guard let layer = gradients.layer else { return "" }
            let f = format(for: layer.X.row(q))
            return "X feeds all three projections, so its gradient adds three paths: through the queries, the keys and the "
                + "values. For \(labels.query(q)): dL/dX = \(f.list(layer.X.row(q))). In a deeper network this is the "
                + "gradient handed to the layer below. `fit` keeps X fixed unless you ask (`fit N X`)."
        }
    }

    /// The query the explanations follow: the one whose output the loss pushes hardest (the
    /// largest row of dL/doutput), so that the numbers quoted are never a row of zeros.
    public var exampleRow: Int {
        let rows = loss.rows.isEmpty ? [forward.exampleRow] : loss.rows
        return rows.max { size(gradients.output.row($0)) < size(gradients.output.row($1)) } ?? forward.exampleRow
    }

    private func size(_ row: [Double]) -> Double { row.reduce(0) { $0 + $1 * $1 } }

    /// What to say about a head whose stage gradients are all 0 because it is pruned, or nil.
    func silentHead(_ head: Int) -> String? {
        guard !direct, trace.gate(head) == 0 else { return nil }
        return "Head \(head + 1) is pruned (gate 0): nothing it computes reaches the output, so every gradient inside it "
            + "is 0. `backward head N` shows another head."
    }

    /// The head a step explains when none is named: the first one that is not pruned.
    var defaultHead: Int {
        (0..<headCount).first { trace.gate($0) != 0 } ?? 0
    }
}

extension GradientPresenter {
    /// `explain backward` with the learner's numbers: the loss and the head it depends on most.
    public func explainBackward() -> String {
        let concept = Concept.backward
        var parts = [style.title(concept.rawValue), concept.idea, style.strong("Why: ") + concept.why]
        if let pitfall = concept.pitfall { parts.append(style.strong("Pitfall: ") + pitfall) }
        var numbers = "L = \(FitReport.loss(loss.value)). "
        if loss.value > 0 {
            let steps = BackwardStep.all(direct: direct)
            numbers += "`backward` walks the \(steps.count) stages from dL/doutput to "
                + (direct ? "dL/dQ, dL/dK and dL/dV." : "dL/dX. ")
            if !direct { numbers += gatesSentence() }
        } else {
            numbers += "The output equals the target, so every gradient is 0."
        }
        parts.append(style.strong("In your numbers: ") + numbers)
        return Prose.wrap(parts.joined(separator: "\n\n"), width: width)
    }
}
