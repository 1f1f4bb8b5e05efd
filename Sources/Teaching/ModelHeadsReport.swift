import Attention

/// `model heads`: every layer's heads with the pattern each shows most on the sentence, in a
/// grid (bertviz's model view, in text); `model heads PATTERN`: the heads ranked by one pattern.
public enum ModelHeadsReport {
    /// A pattern's name in the grid and in rankings.
    public static func name(_ pattern: HeadPattern) -> String {
        switch pattern {
        case .previous: return "previous"
        case .next: return "next"
        case .itself: return "self"
        case .classifier: return "[CLS]"
        case .separator: return "[SEP]"
        case .punctuation: return "punct"
        case .broad: return "broad"
        }
    }

    /// `shares[layer][head]`: each pattern's share of that head's weight (`HeadPattern.shares`),
    /// measured on `source` (a quoted sentence, or the sentences averaged over).
    public static func grid(_ shares: [[[HeadPattern: Double]]], on source: String, style: Style, width: Int) -> String {
        let layers = shares.count, heads = shares.first?.count ?? 0
        let dominant = shares.map { $0.map(HeadPattern.dominant) }
        let cell = 14
        var lines = [style.strong("model heads") + style.dim("  the pattern each head shows most on \(source), with its share of the weight")]
        // As many layers side by side as fit the width, in blocks of even size below.
        let fitting = max(1, (width - 6) / cell), blocks = (max(1, layers) + fitting - 1) / fitting
        let perBlock = (max(1, layers) + blocks - 1) / blocks
        for first in stride(from: 0, to: max(1, layers), by: perBlock) {
            let block = first..<min(layers, first + perBlock)
            if first > 0 { lines.append("") }
            lines.append(style.dim("head".padded(to: 6) + block.map { "layer \($0 + 1)".padded(to: cell) }.joined()))
            for head in 0..<heads {
                let cells = block.map { layer -> String in
                    let (pattern, share) = dominant[layer][head]
                    return "\(name(pattern)) \(String(format: "%.2f", share))".padded(to: cell)
                }
                lines.append(String(("\(head + 1)".padded(to: 6) + cells.joined()).reversed().drop { $0 == " " }.reversed()))
            }
        }
        var counts: [HeadPattern: Int] = [:]
        for row in dominant { for (pattern, _) in row { counts[pattern, default: 0] += 1 } }
        let tally = HeadPattern.allCases.compactMap { pattern in counts[pattern].map { "\(name(pattern)) \($0)" } }
        lines.append("")
        lines.append(Prose.wrap("Heads by pattern: " + tally.joined(separator: ", ") + " (of \(layers * heads)).", width: width))
        lines.append(Prose.wrap(style.dim("""
            A share is the weight a pattern gets, averaged over the queries: previous and next are the keys \
            just before and after a query, self its own position, [CLS], [SEP] and punct every such key. \
            A head is broad when no pattern gets \(String(format: "%.1f", HeadPattern.broadBelow)). One sentence \
            is a clue, not a proof: try others with `text ...`; `model heads PATTERN` ranks the heads by one \
            pattern (previous, next, self, cls, sep, punctuation).
            """), width: width))
        return lines.joined(separator: "\n")
    }

    /// The `count` heads that give `pattern` the largest share, as `layer.head`.
    public static func ranking(_ shares: [[[HeadPattern: Double]]], by pattern: HeadPattern, count: Int = 12,
                               style: Style) -> String {
        let all = shares.enumerated().flatMap { layer, heads in
            heads.enumerated().map { (layer: layer, head: $0.offset, share: $0.element[pattern] ?? 0) }
        }
        let ranked = all.sorted { $0.share > $1.share }.prefix(count)
        var lines = [style.strong("heads by \(name(pattern))") + style.dim("  layer.head and the share of its weight on the pattern, largest first")]
        for (rank, entry) in ranked.enumerated() {
            lines.append("  \(rank + 1)".padded(to: 6) + "\(entry.layer + 1).\(entry.head + 1)".padded(to: 8)
                         + String(format: "%.3f", entry.share))
        }
        return lines.joined(separator: "\n")
    }
}
