import Attention

/// Turns a trace into text for the learner: tables, step reports, cell arithmetic, shapes.
/// It reads the trace and never computes attention itself. Every method returns a `String`;
/// printing is the caller's job.
public struct Presenter: Sendable {
    public let trace: Trace
    public let labels: Labels
    public var format: NumberFormat
    public var style: Style
    /// Terminal width available for a table.
    public var width: Int
    /// Steps that follow the layer's own in the walk (a real model's block: residual, norm,
    /// ...), by name and summary, so that the numbering and the `Next:` line count them.
    public var following: [(name: String, summary: String)] = []

    public init(trace: Trace, tokens: [String], format: NumberFormat = NumberFormat(),
                style: Style = .plain, width: Int = 100) {
        self.trace = trace
        self.labels = Labels.make(tokens: tokens, queries: trace.n, keys: trace.m, direct: trace.isDirect)
        self.format = format
        self.style = style
        self.width = width
    }

    var direct: Bool { trace.isDirect }
    var headCount: Int { trace.heads.count }

    /// The table of one stage for one head (0-based).
    public func table(_ stage: Stage, head: Int = 0) -> String {
        guard let matrix = trace.tensor(stage, head: head) else { return "" }
        var title = stage.rawValue
        if stage.isPerHead && !direct { title += " · \(headTitle(head))" }
        return TensorTable(title: title, matrix: matrix, rowLabels: rowLabels(stage),
                           columnLabels: columnLabels(stage, count: matrix.cols), axes: axes(stage))
            .render(format: format, style: style, width: width)
    }

    /// What a stage's rows and columns are, for its table's header.
    public func axes(_ stage: Stage) -> String {
        switch stage {
        case .X: return "tokens x d_model"
        case .Q: return "queries x d_k"
        case .K: return "keys x d_k"
        case .V: return "keys x d_v"
        case .scores, .scaled, .masked, .weights: return "queries x keys"
        case .head_out: return "queries x d_v"
        case .concat: return "queries x h·d_v"
        case .output: return direct ? "queries x d_v" : trace.output.cols == dModel ? "queries x d_model" : "queries x d_out"
        }
    }

    /// The labels on a stage's rows: keys for K and V, queries (the tokens) for the rest.
    public func rowLabels(_ stage: Stage) -> [String] {
        stage == .K || stage == .V ? labels.keys : labels.queries
    }

    /// The labels on a stage's columns: keys for queries x keys stages, feature indices otherwise.
    public func columnLabels(_ stage: Stage, count: Int) -> [String] {
        stage.isQueriesByKeys ? labels.keys : Labels.features(count)
    }

    /// The tables of `stage` for the given heads (every head when `heads` is nil), one after
    /// another with a blank line between.
    public func tables(_ stage: Stage, head: Int? = nil) -> String {
        guard stage.isPerHead else { return table(stage) }
        let heads = head.map { [$0] } ?? Array(0..<headCount)
        return heads.map { table(stage, head: $0) }.joined(separator: "\n\n")
    }

    /// The mask as the learner sees it: `x` where a query may not look at a key.
    public func maskTable() -> String {
        let keyWidth = max(labels.keys.map(\.count).max() ?? 1, 1)
        let queryWidth = labels.queries.map(\.count).max() ?? 1
        var lines = [style.strong("mask") + style.dim("  \(trace.n) x \(trace.m) (queries x keys; x = blocked)")]
        lines.append(style.dim("  " + "".padded(to: queryWidth)
                               + labels.keys.map { "  " + $0.leftPadded(to: keyWidth) }.joined()))
        for i in 0..<trace.n {
            let cells = (0..<trace.m).map { j in "  " + (trace.blocked[i, j] ? "x" : ".").leftPadded(to: keyWidth) }
            lines.append("  " + labels.queries[i].padded(to: queryWidth) + cells.joined())
        }
        return lines.joined(separator: "\n")
    }
}
