import Attention

extension Presenter {
    /// "head 2 (pruned)" or "head 2 (gate 0.50)" or "head 2".
    func headTitle(_ head: Int) -> String {
        let gate = trace.gate(head)
        let mark = gate == 1 ? "" : gate == 0 ? " (pruned)" : " (gate \(format.string(gate)))"
        return "head \(head + 1)\(mark)"
    }

    /// `heatmap STAGE [head N | all]`: one panel per head (or the stage itself when it is not
    /// per head), blocked pairs marked.
    public func heatmap(_ stage: Stage, head: Int?) -> String {
        let heads = stage.isPerHead ? (head.map { [$0] } ?? Array(0..<headCount)) : [0]
        let panels = heads.map { i in
            Heatmap.Panel(title: stage.isPerHead && !direct ? "\(stage.rawValue) · \(headTitle(i))" : stage.rawValue,
                          matrix: trace.tensor(stage, head: i)!,
                          blocked: [.masked, .weights].contains(stage) ? trace.blocked : nil)
        }
        let queriesByKeys = [.scores, .scaled, .masked, .weights].contains(stage)
        let columns = queriesByKeys ? labels.keys : Labels.features(panels[0].matrix.cols)
        let rows = stage == .K || stage == .V ? labels.keys : labels.queries
        let map = Heatmap(panels: panels, rowLabels: rows, columnLabels: columns,
                          range: Heatmap.range(of: panels, isWeights: stage == .weights))
        return map.render(style: style, format: format, width: width)
    }

    /// The same panels as an SVG picture.
    public func svg(_ stage: Stage) -> String {
        let panels = (stage.isPerHead ? Array(0..<headCount) : [0]).map { i in
            Heatmap.Panel(title: stage.isPerHead && !direct ? headTitle(i) : stage.rawValue,
                          matrix: trace.tensor(stage, head: i)!,
                          blocked: [.masked, .weights].contains(stage) ? trace.blocked : nil)
        }
        let queriesByKeys = [.scores, .scaled, .masked, .weights].contains(stage)
        let map = Heatmap(panels: panels, rowLabels: stage == .K || stage == .V ? labels.keys : labels.queries,
                          columnLabels: queriesByKeys ? labels.keys : Labels.features(panels[0].matrix.cols),
                          range: Heatmap.range(of: panels, isWeights: stage == .weights))
        return SVGHeatmap.render(map, title: "\(stage.rawValue) (\(trace.n) x \(panels[0].matrix.cols) per panel)", format: format)
    }

    /// `attends [ROW]`: where each head puts the weight of one query, strongest first.
    public func attends(row: Int) -> String {
        var lines = [style.strong("\(labels.query(row)) attends to") + style.dim("  (weights, strongest first; blocked keys left out)")]
        for head in trace.heads.indices {
            let weights = trace.heads[head].weights.row(row)
            let order = weights.indices.filter { !trace.blocked[row, $0] }.sorted { weights[$0] > weights[$1] }
            let list = order.isEmpty ? "nothing: every key is blocked"
                : order.map { "\(labels.keys[$0]) \(format.string(weights[$0]))" }.joined(separator: ", ")
            lines.append("  " + (direct ? "" : headTitle(head) + ": ") + "\(labels.queries[row]) -> " + list)
        }
        return lines.joined(separator: "\n")
    }
}
