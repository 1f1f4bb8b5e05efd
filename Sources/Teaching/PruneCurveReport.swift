import Training

/// `prune curve`: a table of held-out accuracy against heads removed, one column per order,
/// and how many heads each order removes within one point of accuracy.
public enum PruneCurveReport {
    public static func render(_ curve: PruneCurve, sequences: Int, style: Style, width: Int) -> String {
        let names = curve.lines.map(\.name)
        let widths = names.map { max($0.count, 8) }
        var lines = [style.strong("prune curve") + style.dim("  held-out accuracy (first \(sequences) held-out sequences) as heads are removed, least important first")]
        lines.append(style.dim("  removed" + zip(names, widths).map { "  " + $0.leftPadded(to: $1) }.joined()))
        let heads = curve.lines[0].accuracy.count - 1
        for k in 0...heads {
            lines.append(String(k).leftPadded(to: 9) + zip(curve.lines, widths).map { line, width in
                "  " + String(format: "%.3f", line.accuracy[k]).leftPadded(to: width)
            }.joined())
        }
        lines.append("")
        let removable = curve.lines.map { "\($0.name) \($0.removable())" }.joined(separator: ", ")
        lines.append(Prose.wrap("Heads removable within one point of the whole layer's accuracy: " + removable + ". "
                                + "Orders by metric rank the heads once, on the whole layer; the random orders show what "
                                + "ranking is worth.", width: width))
        for line in curve.lines where !line.order.isEmpty {
            lines.append(style.dim("  \(line.name): removes head " + line.order.map { String($0 + 1) }.joined(separator: ", ") + " in that order"))
        }
        return lines.joined(separator: "\n")
    }
}
