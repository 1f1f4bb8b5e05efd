import Attention

/// `importance`: the measures for every head (three, and the gate gradient when there is a loss), a ranking by each, and a sentence of
/// interpretation per head. `compare`: how far pruning moved the output.
public enum ImportanceReport {
    /// The table is never wrapped (its rows must stay rows); the sentences are wrapped to
    /// `width`. `averagedOver`: how many sequences each figure is the mean of, for a task.
    public static func render(_ heads: [HeadImportance], gates: (Int) -> Double, style: Style, format: NumberFormat,
                              width: Int = 100, averagedOver sequences: Int? = nil) -> String {
        func figure(_ value: Double?) -> String { value.map(format.string) ?? "undefined" }
        let ranks = HeadImportance.Metric.allCases.map { metric in
            (try? HeadImportance.leastImportant(heads.count, of: heads, by: metric)).map { order in
                // Rank 1 = most important: the reverse of the pruning order.
                Dictionary(uniqueKeysWithValues: order.reversed().enumerated().map { ($1, $0 + 1) })
            } ?? [:]
        }
        // The gradient is there only when the layer has a loss (a target or a task).
        let withGradient = heads.contains { $0.gradient != nil }
        let metrics = HeadImportance.Metric.allCases.filter { withGradient || $0 != .gradient }
        var lines = [style.strong("importance") + style.dim("  of the whole, unpruned layer; rank 1 = most important"
                                                            + (sequences.map { "; each figure that depends on the sequence is the mean over \($0) held-out sequences" } ?? ""))]
        let header = ["head", "weight norm", "entropy", "normalized", "sensitivity"] + (withGradient ? ["|dL/dg|"] : [])
            + ["rank: magnitude", "entropy", "sensitivity"] + (withGradient ? ["gradient"] : [])
        var table = [header]
        for h in heads {
            table.append(["\(h.head + 1)" + (gates(h.head) == 0 ? " (pruned)" : ""), format.string(h.weightNorm), figure(h.entropy),
                          figure(h.normalizedEntropy), figure(h.sensitivity)] + (withGradient ? [h.gradient.map(significant) ?? "undefined"] : [])
                         + metrics.map { metric in ranks[HeadImportance.Metric.allCases.firstIndex(of: metric)!][h.head].map(String.init) ?? "-" })
        }
        let widths = header.indices.map { column in table.map { $0[column].count }.max()! }
        for (index, row) in table.enumerated() {
            let text = "  " + row.indices.map { row[$0].leftPadded(to: widths[$0]) }.joined(separator: "  ")
            lines.append(index == 0 ? style.dim(text) : text)
        }
        lines.append("")
        for h in heads {
            lines.append(Prose.wrap("  head \(h.head + 1): " + sentence(h, format: format), width: width))
        }
        lines.append("")
        lines.append(Prose.wrap(style.dim("weight norm: sqrt of the summed squares of the head's blocks of W_Q, W_K, W_V, W_O. "
                               + "entropy: mean over queries of -Σ w ln w (0 = all weight on one key); normalized: divided by ln(visible keys), over the queries that see at least two keys. "
                               + "sensitivity: ||O - O without the head|| / ||O||."
                               + (withGradient ? " |dL/dg|: the size of the loss's gradient with respect to the head's gate, the score of Michel et al. (2019)." : "")),
                                width: width))
        return lines.joined(separator: "\n")
    }

    /// A small figure to three significant digits (a gradient may be 0.00004).
    static func significant(_ value: Double) -> String { String(format: "%.3g", value) }

    static func sentence(_ h: HeadImportance, format: NumberFormat) -> String {
        var parts: [String] = []
        if let normalized = h.normalizedEntropy {
            let level = format.string(normalized)
            parts.append(normalized < 0.4 ? "focused (normalized entropy \(level)): most of each query's weight goes to one or two keys"
                : normalized < 0.8 ? "partly focused (normalized entropy \(level)): each query favours some keys but keeps others in view"
                : "diffuse (normalized entropy \(level)): it spreads each query's weight over most of the keys it can see")
        } else if h.entropy != nil {
            parts.append("no query sees more than one key, so it has no choice to make and no normalized entropy")
        } else {
            parts.append("no query has a visible key, so its entropy is undefined")
        }
        if let sensitivity = h.sensitivity {
            let percent = NumberFormat(decimals: 1).string(sensitivity * 100)
            parts.append(sensitivity < 0.1 ? "removing it moves the output by only \(percent)%, so it is a candidate for pruning"
                                           : "removing it moves the output by \(percent)%")
        }
        return parts.joined(separator: "; ") + "."
    }

    /// `compare`: the relative Frobenius change of the output from the unpruned output, over
    /// all tokens and per token.
    public static func compare(pruned: Matrix, unpruned: Matrix, rows: [Int], labels: [String],
                               prunedHeads: String, style: Style, format: NumberFormat) -> String {
        let percent = NumberFormat(decimals: max(1, format.decimals - 2))
        func show(_ value: Double?) -> String { value.map { percent.string($0 * 100) + "%" } ?? "undefined (the unpruned output is zero)" }
        var lines = [style.strong("compare") + style.dim("  output with \(prunedHeads) against the unpruned output")]
        lines.append("  relative change ||O_pruned - O|| / ||O||: " + show(pruned.relativeChange(from: unpruned, rows: rows)))
        let width = labels.map(\.count).max() ?? 1
        let figures = rows.map { show(pruned.relativeChange(from: unpruned, rows: [$0])) }
        let figureWidth = figures.map(\.count).max() ?? 0
        for (row, figure) in zip(rows, figures) {
            // Right-aligned, so that the decimal points line up (issue 14).
            lines.append("    " + labels[row].padded(to: width) + "  " + figure.leftPadded(to: figureWidth))
        }
        return lines.joined(separator: "\n")
    }
}
