import Attention

/// `importance`: the measures for every head (three, and the gate gradient when there is a loss), a ranking by each, and a sentence of
/// interpretation per head. `compare`: how far pruning moved the output.
public enum ImportanceReport {
    /// The table is never wrapped (its rows must stay rows): when the figures and the ranks
    /// do not fit in `width` side by side, the ranks follow in a table of their own. The
    /// sentences are wrapped to `width`. `averagedOver`: how many sequences each figure is the mean of, for a task.
    public static func render(_ heads: [HeadImportance], gates: (Int) -> Double, style: Style, format: NumberFormat,
                              width: Int = 100, averagedOver sequences: Int? = nil) -> String {
        // The gradient is there only when the layer has a loss (a target or a task).
        let withGradient = heads.contains { $0.gradient != nil }
        let figures = HeadImportance.Figure.allCases.filter { withGradient || $0 != .gradient }
        let metrics = HeadImportance.Metric.allCases.filter { withGradient || $0 != .gradient }
        let ranks = metrics.map { HeadImportance.ranks(of: heads, by: $0) ?? [:] }
        var lines = [style.strong("importance") + style.dim("  of the whole, unpruned layer; rank 1 = most important"
                                                            + (sequences.map { "; each figure that depends on the sequence is the mean over \($0) held-out sequences" } ?? ""))]
        let names = heads.map { "\($0.head + 1)" + (gates($0.head) == 0 ? " (pruned)" : "") }
        let figureColumns = figures.map { figure in
            [title(figure)] + heads.map { figure.value(of: $0).map(figure == .gradient ? significant : format.string) ?? "undefined" }
        }
        let rankColumns = metrics.enumerated().map { index, metric in
            [(index == 0 ? "rank: " : "") + metric.rawValue] + heads.map { ranks[index][$0.head].map(String.init) ?? "-" }
        }
        let whole = table(["head"] + names, figureColumns + rankColumns, style: style)
        if whole.map(\.visibleCount).max()! <= width {
            lines += whole
        } else {
            lines += table(["head"] + names, figureColumns, style: style)
            lines.append("")
            lines += table(["rank by"] + names.map { "head " + $0 }, rankColumns.map { [String($0[0].dropFirst($0[0].hasPrefix("rank: ") ? 6 : 0))] + $0.dropFirst() },
                           style: style)
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

    /// Rows of right-aligned columns two spaces apart after a first column of labels, the
    /// header (first row) dim.
    static func table(_ labels: [String], _ columns: [[String]], style: Style) -> [String] {
        let labelWidth = labels.map(\.count).max()!
        let widths = columns.map { $0.map(\.count).max()! }
        return labels.indices.map { row in
            let text = "  " + labels[row].leftPadded(to: labelWidth) + columns.indices.map { "  " + columns[$0][row].leftPadded(to: widths[$0]) }.joined()
            return row == 0 ? style.dim(text) : text
        }
    }

    /// A figure's column title in the table.
    public static func title(_ figure: HeadImportance.Figure) -> String {
        switch figure {
        case .magnitude: "weight norm"
        case .entropy: "entropy"
        case .normalized: "normalized"
        case .sensitivity: "sensitivity"
        case .gradient: "|dL/dg|"
        }
    }

    /// A small figure to three significant digits (a gradient may be 0.00004).
    static func significant(_ value: Double) -> String { String(format: "%.3g", value) }

    /// The word the sentence under the table gives a head, by its normalized entropy.
    public enum Focus: String, CaseIterable, Sendable {
        case focused, partlyFocused = "partly focused", diffuse

        /// The head's class; nil when it has no normalized entropy (no query sees two keys).
        public init?(_ h: HeadImportance) {
            guard let normalized = h.normalizedEntropy else { return nil }
            self = normalized < 0.4 ? .focused : normalized < 0.8 ? .partlyFocused : .diffuse
        }

        var meaning: String {
            switch self {
            case .focused: "most of each query's weight goes to one or two keys"
            case .partlyFocused: "each query favours some keys but keeps others in view"
            case .diffuse: "it spreads each query's weight over most of the keys it can see"
            }
        }
    }

    static func sentence(_ h: HeadImportance, format: NumberFormat) -> String {
        var parts: [String] = []
        if let focus = Focus(h), let normalized = h.normalizedEntropy {
            parts.append("\(focus.rawValue) (normalized entropy \(format.string(normalized))): \(focus.meaning)")
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
    /// all tokens and per token, in percent. `labels` name every query row.
    public static func compare(_ change: OutputChange, labels: [String],
                               prunedHeads: String, style: Style, format: NumberFormat) -> String {
        let percent = NumberFormat(decimals: max(1, format.decimals - 2))
        func show(_ value: Double?) -> String { value.map { percent.string($0 * 100) + "%" } ?? "undefined (the unpruned output is zero)" }
        var lines = [style.strong("compare") + style.dim("  output with \(prunedHeads) against the unpruned output")]
        lines.append("  relative change ||O_pruned - O|| / ||O||: " + show(change.overall))
        let width = labels.map(\.count).max() ?? 1
        let figures = change.perRow.map(show)
        let figureWidth = figures.map(\.count).max() ?? 0
        for (row, figure) in zip(change.rows, figures) {
            // Right-aligned, so that the decimal points line up (issue 14).
            lines.append("    " + labels[row].padded(to: width) + "  " + figure.leftPadded(to: figureWidth))
        }
        return lines.joined(separator: "\n")
    }
}
