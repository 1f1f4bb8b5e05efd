import Attention

/// `cost`: parameters and FLOPs of every stage of a layer, and how the totals move with the
/// number of heads when d_k = d_model / h.
public enum CostReport {
    /// The "how" column's formulas wrap within it to fit `width`; so does the closing sentence.
    public static func render(_ cost: LayerCost, style: Style, width: Int = 100) -> String {
        let widths = cost.dV == cost.dK ? "d_k = d_v = \(cost.dK)" : "d_k = \(cost.dK), d_v = \(cost.dV)"
        let output = cost.dOut == cost.dModel ? "" : ", d_out = \(cost.dOut)"
        let biases = cost.biases == LayerCost.allBiases ? "" : cost.biases.isEmpty ? ", no biases"
            : ", biases " + ["b_Q", "b_K", "b_V", "b_O"].filter(cost.biases.contains).joined(separator: " ") + " only"
        var lines = [style.strong("cost") + style.dim("  n = \(cost.n), d_model = \(cost.dModel), h = \(cost.heads), \(widths)\(output)\(biases)")]
        let nameWidth = cost.stages.map(\.name.count).max()!
        let numbers = cost.stages.map { (grouped($0.parameters), grouped($0.flops)) }
        let paramWidth = max(10, numbers.map(\.0.count).max()!), flopWidth = max(5, numbers.map(\.1.count).max()!)
        lines.append(style.dim("  " + "stage".padded(to: nameWidth) + "  " + "parameters".leftPadded(to: paramWidth)
                               + "  " + "FLOPs".leftPadded(to: flopWidth) + "  how"))
        let howColumn = 2 + nameWidth + 2 + paramWidth + 2 + flopWidth + 2
        for (stage, (params, flops)) in zip(cost.stages, numbers) {
            let how = Prose.wrap(String(repeating: " ", count: howColumn) + stage.formula, width: max(width, howColumn + 24))
                .split(separator: "\n").map { style.dim(String($0.dropFirst(howColumn))) }
            lines.append("  " + stage.name.padded(to: nameWidth) + "  " + params.leftPadded(to: paramWidth)
                         + "  " + flops.leftPadded(to: flopWidth) + "  " + how[0])
            lines += how.dropFirst().map { String(repeating: " ", count: howColumn) + $0 }
        }
        lines.append("  " + "total".padded(to: nameWidth) + "  " + grouped(cost.parameters).leftPadded(to: paramWidth)
                     + "  " + grouped(cost.flops).leftPadded(to: flopWidth))
        // Other head counts, under the convention this layer follows, so that its own row
        // equals the total above: d_k = d_model / h, or d_k fixed.
        guard cost.dV == cost.dK, cost.dOut == cost.dModel else {
            lines.append("")
            lines.append(style.dim("(d_v or d_out differ from d_k and d_model here, so no table across head counts is shown.)"))
            return lines.joined(separator: "\n")
        }
        let split = cost.dK * cost.heads == cost.dModel
        let counts = split ? Array((1...min(cost.dModel, 64)).filter { cost.dModel % $0 == 0 }.prefix(8))
            : Array(Set([1, 2, 4, 8, 16, cost.heads])).sorted()
        if counts.count > 1 {
            lines.append("")
            lines.append(split ? "With d_k = d_model / h, as the number of heads grows:" : "With d_k = \(cost.dK) fixed, as the number of heads grows:")
            for h in counts {
                let dK = split ? cost.dModel / h : cost.dK
                let other = LayerCost(n: cost.n, dModel: cost.dModel, heads: h, dK: dK, biases: cost.biases)
                lines.append("  h = \(String(h).leftPadded(to: 2)), d_k = \(String(dK).leftPadded(to: 3)): "
                             + "\(grouped(other.parameters)) parameters, \(grouped(other.flops)) FLOPs")
            }
            lines.append(Prose.wrap(split ? "Parameters and the matrix products stay the same; only the per-score work (scaling and softmax, h·n·n) grows with h."
                                          : "Each head brings its own d_k columns of W_Q, W_K, W_V and d_k rows of W_O: with d_k fixed, parameters and products grow with h.",
                                    width: width))
        }
        return lines.joined(separator: "\n")
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return String(result.reversed())
    }
}
