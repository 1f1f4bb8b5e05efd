import Attention
import Foundation
import Gradients

/// Turns a backward pass into text: the loss, the gradient of every stage and parameter as
/// tables with the forward pass's labels, the backward steps and the arithmetic of one
/// gradient cell. Like `Presenter`, it reads what was computed and never computes it.
public struct GradientPresenter: Sendable {
    /// The forward pass's presenter: labels, number format, style and width come from it.
    public let forward: Presenter
    public let gradients: GradientTrace
    public let loss: SquaredError
    public let target: Matrix

    public init(forward: Presenter, gradients: GradientTrace, loss: SquaredError, target: Matrix) {
        self.forward = forward
        self.gradients = gradients
        self.loss = loss
        self.target = target
    }

    var trace: Trace { forward.trace }
    var labels: Labels { forward.labels }
    var style: Style { forward.style }
    var width: Int { forward.width }
    var direct: Bool { trace.isDirect }
    var headCount: Int { trace.heads.count }

    /// The names `grad` accepts: every stage, every parameter, and `gates`.
    public static let names = Stage.allCases.map(\.rawValue) + Parameter.allCases.map(\.rawValue) + ["gates"]

    /// Gradients are often small: enough decimals to show three significant figures of the
    /// largest entry, and never fewer than the session's.
    public func format(for values: [Double]) -> NumberFormat {
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        // Entries a trillion times smaller than the gradient the pass starts from are rounding
        // (dL/db_K, zero in exact arithmetic, is such): shown at the session's decimals, as 0.
        let start = gradients.output.values.map(abs).max() ?? 0
        guard largest > 1e-12 * start, largest < 1 else { return forward.format }
        let extra = max(0, -Int((log10(largest)).rounded(.down)) - 1) + 1
        return NumberFormat(decimals: min(12, max(forward.format.decimals, 2 + extra)))
    }

    /// dL/d`name` as a matrix for `head` (0-based), or nil when it does not exist in this mode.
    /// Biases and gates come as one row.
    public func gradient(_ name: String, head: Int = 0) -> Matrix? {
        if let stage = Stage(rawValue: name) { return gradients.tensor(stage, head: head) }
        if let parameter = Parameter(rawValue: name) { return gradients.parameter(parameter) }
        if name == "gates", let gates = gradients.layer?.gates {
            return try? Matrix(rows: 1, cols: gates.count, values: gates)
        }
        return nil
    }

    /// The labels on a gradient's rows and columns: those of the forward tensor it belongs to.
    public func axisLabels(_ name: String, head: Int = 0) -> (rows: [String], cols: [String]) {
        guard let matrix = gradient(name, head: head) else { return ([], []) }
        if let stage = Stage(rawValue: name) {
            return (forward.rowLabels(stage), forward.columnLabels(stage, count: matrix.cols))
        }
        if name == "gates" { return ([""], (0..<matrix.cols).map { "head \($0 + 1)" }) }
        if Parameter(rawValue: name)?.isBias == true { return ([""], Labels.features(matrix.cols)) }
        return (Labels.features(matrix.rows), Labels.features(matrix.cols))
    }

    /// The table of dL/d`name` for one head.
    public func table(_ name: String, head: Int = 0) -> String {
        guard let matrix = gradient(name, head: head) else { return "" }
        var title = "dL/d" + name
        let stage = Stage(rawValue: name)
        if stage?.isPerHead == true && !direct { title += " · \(forward.headTitle(head))" }
        let (rows, cols) = axisLabels(name, head: head)
        let axes: String? = switch name {
        case "gates": "one per head, at the gates in use"
        case _ where stage != nil: forward.axes(stage!)
        case _ where Parameter(rawValue: name)?.isBias == true: "a bias, length \(matrix.cols)"
        default: "the shape of \(name)"
        }
        return TensorTable(title: title, matrix: matrix, rowLabels: rows, columnLabels: cols, axes: axes)
            .render(format: format(for: matrix.values), style: style, width: width)
    }

    /// dL/d`name` for the given heads (every head when nil), one table after another.
    public func tables(_ name: String, head: Int? = nil) -> String {
        guard Stage(rawValue: name)?.isPerHead == true else { return table(name) }
        let heads = head.map { [$0] } ?? Array(0..<headCount)
        return heads.map { table(name, head: $0) }.joined(separator: "\n\n")
    }

    /// `loss`: L, the arithmetic of its first terms, and what it measures.
    public func lossReport() -> String {
        let f = format(for: loss.difference.values + [loss.value])
        let d = trace.output.cols
        var terms: [String] = []
        for r in loss.rows {
            for j in 0..<d {
                let t = target[r, j]
                terms.append("(\(f.string(trace.output[r, j])) − \(t < 0 ? "(\(f.string(t)))" : f.string(t)))²")
            }
        }
        let count = loss.rows.count * d
        let shown = Elision.cut(terms) { "… \($0) more terms" }
        var text = style.strong("loss") + style.dim("  L = mean((output − target)²), PyTorch's nn.MSELoss()") + "\n"
        text += Prose.wrap("  L = (" + shown.joined(separator: " + ") + ") / \(count)", width: width) + "\n"
        // The sum and the mean to four significant figures: a small loss must not read as 0.
        text += "    = \(FitReport.loss(loss.value * Double(count))) / \(count)\n"
        text += "    = " + style.strong(FitReport.loss(loss.value)) + "\n\n"
        var prose = "It is the average squared distance between the output and the target over all \(count) numbers "
            + "(\(loss.rows.count) rows x \(d) columns): 0 when they are equal, and larger the further apart they are. "
        if loss.value == 0 {
            prose += "Here the output already equals the target, so every gradient is 0: nothing would change."
        } else {
            let (r, j) = largestEntry(loss.difference, rows: loss.rows)
            prose += "The largest miss is output[\(labels.queries[r])][\(j)] = \(f.string(trace.output[r, j])) against a target of "
                + "\(f.string(target[r, j])). `backward` shows how L changes with every number of the layer; `fit` lowers it."
        }
        if !trace.fullyBlockedRows.isEmpty {
            prose += " " + style.warning("Note: ") + trace.fullyBlockedRows.map { labels.query($0) }.joined(separator: ", ")
                + " sees no key, so its output is NaN (undefined): the loss leaves that row out and averages over the others."
        }
        return text + Prose.wrap(prose, width: width)
    }

    /// `grad gates`: dL/dg_i for every head, with what it says.
    public func gatesReport() -> String {
        guard let gates = gradients.layer?.gates else { return "" }
        let f = format(for: gates)
        var lines = [style.strong("dL/dgates") + style.dim("  one number per head: how L changes per unit of the head's gate g_i (at g_i = \(gateList))")]
        let order = gates.indices.sorted { abs(gates[$0]) > abs(gates[$1]) }
        for i in order {
            lines.append("  head \(i + 1)".padded(to: 10) + f.string(gates[i]).leftPadded(to: 12))
        }
        lines.append("")
        lines.append(Prose.wrap(gatesSentence(), width: width))
        return lines.joined(separator: "\n")
    }

    var gateList: String {
        let gates = (0..<headCount).map { trace.gate($0) }
        return gates.allSatisfy { $0 == 1 } ? "1 for every head" : gates.map(forward.format.string).joined(separator: ", ")
    }

    /// Which head the loss depends on most, by the size of dL/dg_i, and what its sign means for
    /// the gate that head has now.
    func gatesSentence() -> String {
        guard let gates = gradients.layer?.gates, let top = gates.indices.max(by: { abs(gates[$0]) < abs(gates[$1]) }) else { return "" }
        let f = format(for: gates)
        guard gates[top] != 0 else { return "Every dL/dg_i is 0: to first order, no head's strength matters to the loss." }
        let g = trace.gate(top), gate = forward.format.string(g)
        let meaning: String
        switch (gates[top] > 0, g) {
        case (true, 0): meaning = "it is pruned, and to first order bringing it back would raise the loss"
        case (true, _): meaning = "to first order, turning it down (a gate below \(gate)) would lower the loss"
        case (false, 1): meaning = "to first order the loss would fall if its output were stronger, a gate above 1, which `gate` does not offer"
        case (false, _): meaning = "to first order, turning it up (a gate above \(gate)) would lower the loss"
        }
        return "The loss depends most on head \(top + 1) (dL/dg = \(f.string(gates[top]))): \(meaning). "
            + "Michel et al. (2019) score each head by the average absolute value of this gradient over a data set "
            + "(here there is one example): the smaller it is, the less removing the head is expected to change the loss. "
            + "It is a first-order estimate; `prune head N` and then `loss` measures the real change."
    }

    /// The row and column of the largest entry by size among `rows`.
    func largestEntry(_ matrix: Matrix, rows: [Int]? = nil) -> (Int, Int) {
        var best = (0, 0), size = -1.0
        for r in rows ?? Array(0..<matrix.rows) {
            for c in 0..<matrix.cols where abs(matrix[r, c]) > size {
                size = abs(matrix[r, c])
                best = (r, c)
            }
        }
        return best
    }
}
