import Foundation

/// A loss curve drawn with characters: one column per stretch of steps, at the median loss of
/// that stretch (so a single outlying step does not flatten the rest), on a logarithmic scale
/// when the curve spans more than a factor of ten (as a falling loss usually does) and a linear
/// one otherwise.
public enum LossCurve {
    /// `losses[0]` is the loss before the first step, `losses[k]` after step k.
    public static func render(_ losses: [Double], width: Int, height: Int = 8, style: Style) -> String {
        guard losses.count >= 2 else { return "" }
        let columns = min(losses.count, max(10, width - 16))
        let points: [Double?] = (0..<columns).map { column in
            let first = column * losses.count / columns
            let last = max(first + 1, (column + 1) * losses.count / columns)
            let values = losses[first..<min(last, losses.count)].filter(\.isFinite).sorted()
            return values.isEmpty ? nil : values[values.count / 2]
        }
        let finite = points.compactMap { $0 }
        guard let low = finite.min(), let high = finite.max() else { return "" }
        let logarithmic = low > 0 && high / low > 10
        func level(_ value: Double) -> Double {
            guard high > low else { return 0.5 }
            return logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
        }
        var rows = Array(repeating: Array(repeating: " ", count: columns), count: height)
        for (column, point) in points.enumerated() {
            guard let point else { continue }
            rows[height - 1 - Int((level(point) * Double(height - 1)).rounded())][column] = "•"
        }
        let labels = [FitReport.loss(high), FitReport.loss(low)]
        let labelWidth = labels.map(\.count).max()!
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let label = index == 0 ? labels[0] : index == height - 1 ? labels[1] : ""
            lines.append(style.dim(label.leftPadded(to: labelWidth) + " ┤") + row.joined())
        }
        let steps = "step \(losses.count - 1)"
        lines.append(style.dim(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: columns)))
        lines.append(style.dim(String(repeating: " ", count: labelWidth + 2) + "step 0".padded(to: max(columns - steps.count, 7)) + steps))
        let scale = logarithmic ? "logarithmic scale: each row a constant factor" : "linear scale"
        return style.strong("loss curve") + style.dim("  the median loss of each stretch of steps, \(scale)") + "\n"
            + lines.joined(separator: "\n")
    }
}
