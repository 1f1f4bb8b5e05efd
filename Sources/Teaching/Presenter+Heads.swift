import Attention

extension Presenter {
    /// "head 2 (pruned)" or "head 2 (gate 0.50)" or "head 2".
    func headTitle(_ head: Int) -> String {
        Self.headTitle(head, gate: trace.gate(head), format: format)
    }

    /// "head 2", "head 2 (pruned)" or "head 2 (gate 0.5)" (`head` 0-based), for any layer.
    static func headTitle(_ head: Int, gate: Double, format: NumberFormat) -> String {
        let mark = gate == 1 ? "" : gate == 0 ? " (pruned)" : " (gate \(format.string(gate)))"
        return "head \(head + 1)\(mark)"
    }

    /// `heatmap STAGE [head N | all]`: one panel per head (or the stage itself when it is not
    /// per head), blocked pairs marked.
    public func heatmap(_ stage: Stage, head: Int?) -> String {
        let heads = stage.isPerHead ? (head.map { [$0] } ?? Array(0..<headCount)) : [0]
        return heatmapModel(stage, heads: heads) { "\(stage.rawValue) · \(headTitle($0))" }
            .render(style: style, format: format, width: width)
    }

    /// The heads an SVG picture of `stage` draws, a panel each: every head, or one panel for a
    /// stage that is not per head.
    public func pictureHeads(_ stage: Stage) -> [Int] {
        stage.isPerHead ? Array(0..<headCount) : [0]
    }

    /// The same panels, every head, as an SVG picture.
    public func svg(_ stage: Stage) -> String {
        let model = heatmapModel(stage, heads: pictureHeads(stage)) { headTitle($0) }
        return SVGHeatmap.render(model, title: "\(stage.rawValue) (\(trace.n) x \(model.panels[0].matrix.cols) per panel)",
                                 format: format)
    }

    /// The panels of `stage` for `heads`, with token labels and the scale every picture uses
    /// (0 to 1 for weights, the finite range otherwise).
    func heatmapModel(_ stage: Stage, heads: [Int], title: (Int) -> String) -> Heatmap {
        let panels = heads.map { i in
            Heatmap.Panel(title: stage.isPerHead && !direct ? title(i) : stage.rawValue,
                          matrix: trace.tensor(stage, head: i)!,
                          blocked: [.masked, .weights].contains(stage) ? trace.blocked : nil)
        }
        return Heatmap(panels: panels, rowLabels: rowLabels(stage),
                       columnLabels: columnLabels(stage, count: panels[0].matrix.cols),
                       range: Heatmap.range(of: panels, isWeights: stage == .weights))
    }

    /// `attends [ROW]`: where each head puts the weight of one query, strongest first. Past ten
    /// keys (a real layer has a hundred or more) each head lists its strongest eight and sums
    /// the weight of the rest.
    public func attends(row: Int) -> String {
        var lines = [style.strong("\(labels.query(row)) attends to") + style.dim("  (weights, strongest first; blocked keys left out)")]
        for head in trace.heads.indices {
            let weights = trace.heads[head].weights.row(row)
            let order = weights.indices.filter { !trace.blocked[row, $0] }.sorted { weights[$0] > weights[$1] }
            let shown = order.count > 10 ? order.prefix(8) : order[...]
            let rest = order.dropFirst(shown.count)
            var list = order.isEmpty ? "nothing: every key is blocked"
                : shown.map { "\(labels.keys[$0]) \(format.string(weights[$0]))" }.joined(separator: ", ")
            if !rest.isEmpty {
                list += ", and \(rest.count) more keys with \(format.string(rest.map { weights[$0] }.reduce(0, +))) together"
            }
            lines.append("  " + (direct ? "" : headTitle(head) + ": ") + "\(labels.queries[row]) -> " + list)
        }
        return lines.joined(separator: "\n")
    }
}
