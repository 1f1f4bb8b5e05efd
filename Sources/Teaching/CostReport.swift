import Attention

/// `cost`: parameters and FLOPs of every stage of a layer, and how the totals move with the
/// number of heads when d_k = d_model / h.
public enum CostReport {
    public static func render(_ cost: LayerCost, style: Style) -> String {
        var lines = [style.strong("cost") + style.dim("  n = \(cost.n), d_model = \(cost.dModel), h = \(cost.heads), d_k = d_v = \(cost.dK)")]
        let nameWidth = cost.stages.map(\.name.count).max()!
        let numbers = cost.stages.map { (grouped($0.parameters), grouped($0.flops)) }
        let paramWidth = max(10, numbers.map(\.0.count).max()!), flopWidth = max(5, numbers.map(\.1.count).max()!)
        lines.append(style.dim("  " + "stage".padded(to: nameWidth) + "  " + "parameters".leftPadded(to: paramWidth)
                               + "  " + "FLOPs".leftPadded(to: flopWidth) + "  how"))
        for (stage, (params, flops)) in zip(cost.stages, numbers) {
            lines.append("  " + stage.name.padded(to: nameWidth) + "  " + params.leftPadded(to: paramWidth)
                         + "  " + flops.leftPadded(to: flopWidth) + "  " + style.dim(stage.formula))
        }
        lines.append("  " + "total".padded(to: nameWidth) + "  " + grouped(cost.parameters).leftPadded(to: paramWidth)
                     + "  " + grouped(cost.flops).leftPadded(to: flopWidth))
        let counts = (1...min(cost.dModel, 64)).filter { cost.dModel % $0 == 0 }.prefix(8)
        if counts.count > 1 {
            lines.append("")
            lines.append("With d_k = d_model / h, as the number of heads grows:")
            for h in counts {
                let other = LayerCost(n: cost.n, dModel: cost.dModel, heads: h, dK: cost.dModel / h)
                lines.append("  h = \(String(h).leftPadded(to: 2)), d_k = \(String(cost.dModel / h).leftPadded(to: 3)): "
                             + "\(grouped(other.parameters)) parameters, \(grouped(other.flops)) FLOPs")
            }
            lines.append("Parameters and the matrix products stay the same; only the per-score work (scaling and softmax, h·n·n) grows with h.")
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
