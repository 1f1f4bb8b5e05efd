import Attention
import Gradients

extension GradientPresenter {
    /// Why does cell [row][col] of dL/d`name` (in `head`, 0-based) hold its value? The rule of
    /// its backward step written out with the actual numbers, as `why` does for the forward
    /// pass. Biases and gates are one row (row 0). Indices must be in range.
    public func why(_ name: String, row: Int, col: Int, head: Int = 0) -> CellArithmetic {
        let matrix = gradient(name, head: head)!
        let value = matrix[row, col]
        let f = format(for: matrix.values)
        let (rowLabels, colLabels) = axisLabels(name, head: head)
        let stage = Stage(rawValue: name)
        let inHead = direct || stage?.isPerHead != true ? "" : " (head \(head + 1))"
        let isVector = Parameter(rawValue: name)?.isBias == true || name == "gates"
        let cell = isVector ? "dL/d\(name)[\(colLabels[col])]" : "dL/d\(name)[\(rowLabels[row])][\(colLabels[col])]\(inHead)"
        let h = gradients.heads[min(head, headCount - 1)]
        let forwardHead = trace.heads[min(head, headCount - 1)]
        let weights = trace.withUndefinedRowsAsZero(forwardHead.weights)
        func sum(_ formula: String, _ products: [(Double, Double)]) -> CellArithmetic {
            forward.sum(cell, value, formula: formula, products: products, bias: nil, format: f)
        }
        func total(_ formula: String, _ terms: [Double]) -> CellArithmetic {
            let shown = Presenter.signedSum(Presenter.elided(terms.map(f.string)))
            return CellArithmetic(value: value, terms: terms,
                                  text: "\(cell) = \(formula)\n  = \(shown)\n  = \(f.string(value))")
        }
        func copy(_ text: String) -> CellArithmetic {
            CellArithmetic(value: value, terms: [value], text: "\(cell) = \(text)")
        }
        let r = row, c = col
        switch name {
        case "output":
            guard loss.rows.contains(r) else {
                return copy("0: \(labels.query(r)) sees no key, so its output is undefined and the loss leaves its row out")
            }
            let count = loss.rows.count * trace.output.cols
            return CellArithmetic(value: value, terms: [value], text: """
                \(cell) = 2 (output − target) / \(count)
                  = 2 × (\(f.string(trace.output[r, c])) − \(f.string(target[r, c]))) / \(count)
                  = \(f.string(value))
                """)
        case "concat":
            guard case let .multiHead(cfg) = trace.configuration else { break }
            return sum("Σ_j dL/doutput[\(rowLabels[r])][j] · W_O[\(c)][j]",
                       (0..<cfg.W_O.cols).map { (gradients.output[r, $0], cfg.W_O[c, $0]) })
        case "W_O":
            guard let concat = trace.concat.map(trace.withUndefinedRowsAsZero) else { break }
            return sum("Σ_tokens concat[t][\(r)] · dL/doutput[t][\(c)]",
                       (0..<trace.n).map { (concat[$0, r], gradients.output[$0, c]) })
        case "b_O":
            return total("Σ_tokens dL/doutput[t][\(c)]", (0..<trace.n).map { gradients.output[$0, c] })
        case "gates":
            guard let layer = gradients.layer else { break }
            let dV = trace.dV
            let headOut = trace.withUndefinedRowsAsZero(trace.heads[c].headOut)
            var products: [(Double, Double)] = []
            for t in 0..<trace.n { for j in 0..<dV { products.append((layer.concat[t, c * dV + j], headOut[t, j])) } }
            return sum("Σ over tokens t and columns j of dL/dconcat[t][\(c * dV)+j] · head_out[t][j] of head \(c + 1)", products)
        case "head_out":
            if direct { return copy("dL/doutput[\(rowLabels[r])][\(c)] = \(f.string(value)): in direct mode the output is head_out") }
            guard let layer = gradients.layer else { break }
            let column = head * trace.dV + c, gate = trace.gate(head)
            return CellArithmetic(value: value, terms: [value], text: """
                \(cell) = g_\(head + 1) × dL/dconcat[\(rowLabels[r])][\(column)]
                  = \(f.string(gate)) × \(f.string(layer.concat[r, column]))
                  = \(f.string(value))
                """)
        case "weights":
            return sum("Σ_j dL/dhead_out[\(rowLabels[r])][j] · V[\(colLabels[c])][j]",
                       (0..<trace.dV).map { (h.headOut[r, $0], forwardHead.V[c, $0]) })
        case "V":
            return sum("Σ_queries weights[q][\(rowLabels[r])] · dL/dhead_out[q][\(c)]",
                       (0..<trace.n).map { (weights[$0, r], h.headOut[$0, c]) })
        case "masked":
            if trace.fullyBlockedRows.contains(r) {
                return copy("0: every key is blocked for \(labels.query(r)), so its weights depend on no score")
            }
            let w = weights.row(r), g = h.weights.row(r)
            let average = zip(w, g).reduce(0) { $0 + $1.0 * $1.1 }
            let terms = w.indices.map { "(\(f.string(w[$0])))(\(f.string(g[$0])))" }
            return CellArithmetic(value: value, terms: [value], text: """
                \(cell) = w · (g − Σ_t w_t g_t), with w = weights and g = dL/dweights in row \(labels.query(r))
                  Σ_t w_t g_t = \(Presenter.elided(terms).joined(separator: " + ")) = \(f.string(average))
                  = \(f.string(w[c])) × (\(f.string(g[c])) − \(f.string(average)))
                  = \(f.string(value))
                """ + (trace.blocked[r, c] ? "\nThe pair is blocked: its weight is 0, so its gradient is 0." : ""))
        case "scaled":
            let T = trace.shaping.temperature
            if trace.blocked[r, c] { return copy("0: the pair is blocked, and the -inf put in its place is a constant") }
            if T == 1 {
                return copy("dL/dmasked[\(rowLabels[r])][\(colLabels[c])] = \(f.string(value)): an open pair passes the gradient through")
            }
            return CellArithmetic(value: value, terms: [value], text: """
                \(cell) = dL/dmasked / T    (masked = \(trace.shaping.bias == nil ? "scaled" : "(scaled + bias)") / T; an open pair)
                  = \(f.string(h.masked[r, c])) / \(Presenter.temperature(T))
                  = \(f.string(value))
                """)
        case "scores":
            let scale = trace.scale
            return CellArithmetic(value: value, terms: [value], text: trace.scaling ? """
                \(cell) = dL/dscaled / sqrt(d_k)
                  = \(f.string(h.scaled[r, c])) / sqrt(\(trace.dK))
                  = \(f.string(value))
                """ : "\(cell) = dL/dscaled = \(f.string(value)) (scaling is off: \(f.string(scale)) × it)")
        case "Q":
            return sum("Σ_keys dL/dscores[\(rowLabels[r])][k] · K[k][\(c)]",
                       (0..<trace.m).map { (h.scores[r, $0], forwardHead.K[$0, c]) })
        case "K":
            return sum("Σ_queries dL/dscores[q][\(rowLabels[r])] · Q[q][\(c)]",
                       (0..<trace.n).map { (h.scores[$0, r], forwardHead.Q[$0, c]) })
        case "W_Q", "W_K", "W_V":
            guard case let .multiHead(cfg) = trace.configuration else { break }
            let projected = projectionGradient(name)
            return sum("Σ_tokens X[t][\(r)] · dL/d\(name.dropFirst(2))[t][\(c)]",
                       (0..<trace.n).map { (cfg.X[$0, r], projected[$0, c]) })
        case "b_Q", "b_K", "b_V":
            let projected = projectionGradient("W" + name.dropFirst(1))
            return total("Σ_tokens dL/d\(name.dropFirst(2))[t][\(c)]", (0..<trace.n).map { projected[$0, c] })
        case "X":
            guard case let .multiHead(cfg) = trace.configuration else { break }
            var products: [(Double, Double)] = []
            for (W, grad) in [(cfg.W_Q, projectionGradient("W_Q")), (cfg.W_K, projectionGradient("W_K")), (cfg.W_V, projectionGradient("W_V"))] {
                products += (0..<W.cols).map { (grad[r, $0], W[c, $0]) }
            }
            return sum("Σ_j dL/dQ[\(rowLabels[r])][j] W_Q[\(c)][j] + the same for K and V", products)
        default: break
        }
        return copy(f.string(value))
    }

    /// Every head's dL/dQ (or K, V) side by side: the gradient of the whole projection.
    func projectionGradient(_ weight: String) -> Matrix {
        guard let layer = gradients.layer else { return gradients.heads[0].Q }
        return weight == "W_Q" ? layer.Q : weight == "W_K" ? layer.K : layer.V
    }
}
