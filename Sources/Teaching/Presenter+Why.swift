import Attention
import Foundation

extension Presenter {
    /// Why does cell [row][col] of `stage` (in `head`, 0-based) hold its value? The same
    /// arithmetic the trace did, written out with the actual numbers. Indices must be in range
    /// (the caller checks them against the stage's shape).
    public func why(_ stage: Stage, row: Int, col: Int, head: Int = 0) -> CellArithmetic {
        let f = format
        let where_ = direct || !stage.isPerHead ? "" : " (head \(head + 1))"
        let cellName = "\(stage.rawValue)[\(rowLabels(stage)[row])][\(stage.isQueriesByKeys ? labels.keys[col] : String(col))]\(where_)"
        let value = trace.tensor(stage, head: head)![row, col]
        switch stage {
        case .X:
            return given(cellName, value, "an input you defined (or the example's)")
        case .Q, .K, .V:
            guard case let .multiHead(c) = trace.configuration else {
                return given(cellName, value, "given directly in direct mode")
            }
            let width = stage == .V ? trace.dV : trace.dK
            let column = head * width + col
            let (W, b, name): (Matrix, [Double]?, String) = switch stage {
            case .Q: (c.W_Q, c.b_Q, "Q")
            case .K: (c.W_K, c.b_K, "K")
            default: (c.W_V, c.b_V, "V")
            }
            let products = zip(c.X.row(row), W.column(column)).map { ($0, $1) }
            let bias = b.map { ("b_\(name)[\(column)]", $0[column]) }
            return sum(cellName, value,
                       formula: "X row \(labels.query(row)) · W_\(name) column \(column)" + (bias.map { " + \($0.0)" } ?? ""),
                       products: products, bias: bias?.1)
        case .scores:
            let h = trace.heads[head]
            let products = zip(h.Q.row(row), h.K.row(col)).map { ($0, $1) }
            return sum(cellName, value, formula: "q_\(labels.queries[row]) · k_\(labels.keys[col])", products: products, bias: nil)
        case .scaled where !trace.scaling:
            return given(cellName, value, "the score unchanged, because scaling is off (`set scaling on` divides by sqrt(d_k))")
        case .scaled:
            let score = trace.heads[head].scores[row, col]
            let root = Double(trace.dK).squareRoot()
            return CellArithmetic(value: value, terms: [value], text: """
                \(cellName) = scores / sqrt(d_k)
                  = \(f.string(score)) / sqrt(\(trace.dK))
                  = \(f.string(score)) / \(f.string(root))
                  = \(f.string(value))
                """)
        case .masked:
            if !trace.blocked[row, col], let (formula, numbers) = shapedArithmetic(row: row, col: col, head: head) {
                return CellArithmetic(value: value, terms: [value], text: """
                    \(cellName) = \(formula)
                      = \(numbers)
                      = \(f.string(value))    (this pair is not blocked)
                    """)
            }
            let reason = trace.blocked[row, col]
                ? "-inf: the mask or key padding blocks query \(labels.query(row)) from key \(labels.key(col)), so its weight will be 0"
                    + (shaping.isActive ? " (whatever the bias and T)" : "")
                : "the scaled score \(f.string(value)), unchanged: this pair is not blocked"
            return CellArithmetic(value: value, terms: [value], text: "\(cellName) = \(reason)")
        case .weights:
            return softmaxCell(cellName, row: row, col: col, head: head)
        case .head_out:
            let h = trace.heads[head]
            let products = h.weights.row(row).indices.map { (h.weights[row, $0], h.V[$0, col]) }
            return sum(cellName, value,
                       formula: "Σ over keys j of weights[\(labels.queries[row])][j] · V[j][\(col)]",
                       products: products, bias: nil)
        case .concat:
            let source = col / trace.dV, inner = col % trace.dV
            let headOut = trace.heads[source].headOut[row, inner], gate = trace.gate(source)
            let columns = "(columns \(source * trace.dV)-\((source + 1) * trace.dV - 1) hold head \(source + 1))"
            let from = "head_out[\(labels.queries[row])][\(inner)] of head \(source + 1)"
            let text = gate == 1
                ? "\(cellName) = \(from)\n  = \(f.string(value))    \(columns)"
                : "\(cellName) = gate × \(from)\n  = \(f.string(gate)) × \(f.string(headOut))\n  = \(f.string(value))    \(columns)"
                    + (gate == 0 ? "\nHead \(source + 1) is pruned: its output enters the concatenation as zeros." : "")
            return CellArithmetic(value: value, terms: [value], text: text)
        case .output:
            guard case let .multiHead(c) = trace.configuration, let concat = trace.concat else {
                return given(cellName, value, "in direct mode the output is head_out")
            }
            let products = zip(concat.row(row), c.W_O.column(col)).map { ($0, $1) }
            let bias = c.b_O.map { $0[col] }
            return sum(cellName, value,
                       formula: "concat row \(labels.query(row)) · W_O column \(col)" + (bias == nil ? "" : " + b_O[\(col)]"),
                       products: products, bias: bias)
        }
    }


    private func given(_ cellName: String, _ value: Double, _ why: String) -> CellArithmetic {
        CellArithmetic(value: value, terms: [value], text: "\(cellName) = \(format.string(value)): \(why).")
    }

    /// A sum of products (plus an optional bias), shown as the formula, the products, their
    /// values and the total.
    func sum(_ cellName: String, _ value: Double, formula: String,
             products: [(Double, Double)], bias: Double?, format: NumberFormat? = nil) -> CellArithmetic {
        let f = format ?? self.format
        var terms = products.map { $0.0 * $0.1 }
        var factors = products.map { "(\(f.string($0.0)))(\(f.string($0.1)))" }
        var addends = terms.map(f.string)
        if let bias {
            terms.append(bias)
            factors.append(f.string(bias))
            addends.append(f.string(bias))
        }
        let text = """
            \(cellName) = \(formula)
              = \(Self.elided(factors).joined(separator: " + "))
              = \(Self.signedSum(Self.elided(addends)))
              = \(f.string(value))
            """
        return CellArithmetic(value: value, terms: terms, text: text)
    }

    /// The terms of a sum as shown (see `Elision`): a long one says how many it leaves out.
    static func elided(_ terms: [String]) -> [String] {
        Elision.cut(terms) { "(\($0) more terms)" }
    }

    /// "0.1 + -0.2 + 0.3" written as "0.1 − 0.2 + 0.3".
    static func signedSum(_ terms: [String]) -> String {
        terms.enumerated().map { index, term in
            guard index > 0 else { return term }
            return term.hasPrefix("-") ? "− " + term.dropFirst() : "+ " + term
        }.joined(separator: " ")
    }

    /// A softmax weight: exp of the cell's masked score (minus the row maximum, for stability)
    /// over the sum of the row's exponentials.
    private func softmaxCell(_ cellName: String, row: Int, col: Int, head: Int) -> CellArithmetic {
        let f = format
        let scores = trace.heads[head].masked.row(row)
        let value = trace.heads[head].weights[row, col]
        guard let top = scores.max(), top > -.infinity else {
            return CellArithmetic(value: value, terms: scores.map { _ in 0 }, text: """
                \(cellName) = NaN: every key is blocked for \(labels.query(row)), so the softmax is 0 / 0 (PyTorch's nn.MultiheadAttention gives NaN too; F.scaled_dot_product_attention gives 0).
                """)
        }
        let exps = scores.map { exp($0 - top) }
        // s − max written as a reader would: "0.173 − 0.186", "-0.129 + 0.017", never "− -"; the
        // operator is "−", as in every other sum `why` writes.
        func difference(_ s: Double) -> String {
            top < 0 ? "\(f.string(s)) + \(f.string(-top))" : "\(f.string(s)) − \(f.string(top))"
        }
        let shown = scores.indices.map { j in
            scores[j] == -.infinity ? "0 (blocked)" : "exp(\(difference(scores[j])))"
        }
        // With a bias or a temperature, the cell's own s is worked out first: the division by T
        // is part of this weight's arithmetic.
        let shaped = shapedArithmetic(row: row, col: col, head: head).map { formula, numbers in
            "\n  s_\(labels.keys[col]) = \(formula) = \(numbers) = \(f.string(scores[col]))"
        } ?? ""
        let text = """
            \(cellName) = exp(s − max) / Σ_j exp(s_j − max), with s = masked row \(labels.query(row)), max = \(f.string(top))\(shaped)
              numerator   = exp(\(difference(scores[col]))) = \(f.string(exps[col]))
              denominator = \(Self.elided(shown).joined(separator: " + "))
                          = \(Self.elided(exps.map(f.string)).joined(separator: " + ")) = \(f.string(exps.reduce(0, +)))
              weight      = \(f.string(exps[col])) / \(f.string(exps.reduce(0, +))) = \(f.string(value))
            Subtracting the row maximum changes nothing (it cancels) but keeps exp from overflowing.
            """
        return CellArithmetic(value: value, terms: exps, text: text)
    }
}
