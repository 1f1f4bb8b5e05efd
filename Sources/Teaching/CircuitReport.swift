import Attention

/// `circuit [head N]`: a head's QK and OV circuits (`HeadCircuit`) as tables, with their ranks,
/// singular values and what they mean; and `why W_QK|W_OV ROW COL`, the arithmetic of a cell.
public struct CircuitReport: Sendable {
    public let circuit: HeadCircuit
    /// The layer the circuit comes from (for the weights behind each cell and the biases).
    public let configuration: MultiHeadConfiguration
    public let format: NumberFormat
    public let style: Style
    public let width: Int

    public init(circuit: HeadCircuit, configuration: MultiHeadConfiguration, format: NumberFormat, style: Style, width: Int) {
        self.circuit = circuit
        self.configuration = configuration
        self.format = format
        self.style = style
        self.width = width
    }

    /// The names `why` accepts for a circuit's cells.
    public static let names = ["W_QK", "W_OV"]

    var head: Int { circuit.head + 1 }

    public func render() -> String {
        let c = configuration
        let dModel = circuit.qk.rows
        var lines = [style.strong("circuit") + style.dim("  head \(head) of \(c.heads): d_model = \(dModel), "
                                                          + "d_k = \(circuit.dK), d_v = \(circuit.dV)")]
        lines.append("")
        lines.append(TensorTable(title: "W_QK = W_Q^\(head) W_K^\(head)ᵀ", matrix: circuit.qk,
                                 rowLabels: Labels.features(dModel), columnLabels: Labels.features(dModel),
                                 axes: "query feature x key feature").render(format: format, style: style, width: width))
        lines.append(rankLine(circuit.qkSingularValues, rank: circuit.qkRank, bound: circuit.dK, boundName: "d_k"))
        var qk = "Without biases, scores[i][j] = X[i] W_QK X[j]ᵀ: these \(dModel * dModel) numbers fix every score this head "
            + "can give, whatever the tokens. They pass through only d_k = \(circuit.dK) dimensions, so W_QK has rank at most "
            + "\(circuit.dK), and so has the n x n score matrix of any sentence: with fewer dimensions than tokens, some "
            + "patterns of scores cannot be expressed at all (the low-rank bottleneck of narrow heads, Bhojanapalli et al. 2020)."
        if c.b_Q != nil || c.b_K != nil {
            qk += " b_Q or b_K is set here, so the scores also have bias terms that W_QK leaves out."
        }
        lines.append(Prose.wrap(qk, width: width))
        lines.append("")
        lines.append(TensorTable(title: "W_OV = W_V^\(head) W_O^\(head)", matrix: circuit.ov,
                                 rowLabels: Labels.features(dModel), columnLabels: Labels.features(circuit.ov.cols),
                                 axes: "feature read x feature written").render(format: format, style: style, width: width))
        lines.append(rankLine(circuit.ovSingularValues, rank: circuit.ovRank, bound: circuit.dV, boundName: "d_v"))
        var ov = "A key token x_j that a query weighs by w adds w · x_j W_OV to that query's output (its share of this head's "
            + "contribution): what the head writes, given what it reads, whichever tokens it attends to."
        if c.b_V != nil { ov += " b_V is set here, so each query's output also gets b_V^\(head) W_O^\(head) (its weights sum to 1)." }
        lines.append(Prose.wrap(ov, width: width))
        lines.append(style.dim("Circuits: Elhage et al. 2021. `why W_QK I J head \(head)` shows a cell's arithmetic."))
        return lines.joined(separator: "\n")
    }

    func rankLine(_ values: [Double], rank: Int, bound: Int, boundName: String) -> String {
        let shown = values.count <= 8 ? values.map(format.string) : values.prefix(6).map(format.string) + ["… (\(values.count) in all)"]
        return "  rank \(rank) of at most \(min(bound, values.count)) (\(boundName) = \(bound)); singular values: "
            + shown.joined(separator: ", ")
    }

    /// The arithmetic of `name`[row][col] (`W_QK` or `W_OV`; indices in range).
    public func why(_ name: String, row: Int, col: Int, presenter: Presenter) -> CellArithmetic {
        let c = configuration
        let cellName = "\(name)[\(row)][\(col)] (head \(head))"
        if name == "W_QK" {
            let columns = circuit.head * circuit.dK..<(circuit.head + 1) * circuit.dK
            let products = columns.map { (c.W_Q[row, $0], c.W_K[col, $0]) }
            return presenter.sum(cellName, circuit.qk[row, col],
                                 formula: "Σ over head \(head)'s columns t (\(columns.lowerBound)-\(columns.upperBound - 1)) of W_Q[\(row)][t] · W_K[\(col)][t]",
                                 products: products, bias: nil)
        }
        let inner = circuit.head * circuit.dV..<(circuit.head + 1) * circuit.dV
        let products = inner.map { (c.W_V[row, $0], c.W_O[$0, col]) }
        return presenter.sum(cellName, circuit.ov[row, col],
                             formula: "Σ over head \(head)'s values t (\(inner.lowerBound)-\(inner.upperBound - 1)) of W_V[\(row)][t] · W_O[t][\(col)]",
                             products: products, bias: nil)
    }
}
