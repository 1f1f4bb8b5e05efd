import Foundation

/// A loss curve drawn with characters: the loss after each step, one column per stretch of
/// steps, on a logarithmic scale when it falls by more than a factor of ten (as a loss
/// usually does) and a linear one otherwise.
public enum LossCurve {
    /// `losses[0]` is the loss before the first step, `losses[k]` after step k.
    public static func render(_ losses: [Double], width: Int, height: Int = 8, style: Style, format: NumberFormat) -> String {
        let finite = losses.filter(\.isFinite)
        guard finite.count >= 2, let low = finite.min(), let high = finite.max() else { return "" }
        let logarithmic = low > 0 && high / low > 10
        func level(_ value: Double) -> Double {
            guard high > low else { return 0.5 }
            return logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
        }
        let labels = [format.string(high), format.string(low)]
        let labelWidth = labels.map(\.count).max()!
        let columns = max(10, min(losses.count, width - labelWidth - 4))
        // Each column shows the mean level of the steps it covers.
        var rows = Array(repeating: Array(repeating: " ", count: columns), count: height)
        for column in 0..<columns {
            let first = column * losses.count / columns
            let last = max(first + 1, (column + 1) * losses.count / columns)
            let values = losses[first..<last].filter(\.isFinite)
            guard !values.isEmpty else { continue }
            let mean = values.map(level).reduce(0, +) / Double(values.count)
            let row = height - 1 - Int((mean * Double(height - 1)).rounded())
            rows[row][column] = "•"
        }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let label = index == 0 ? labels[0] : index == height - 1 ? labels[1] : ""
            lines.append(style.dim(label.leftPadded(to: labelWidth) + " ┤") + row.joined())
        }
        let steps = losses.count - 1
        let axis = String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: columns)
        let ends = "step 0".padded(to: columns - "step \(steps)".count + 2) + "step \(steps)"
        lines.append(style.dim(axis))
        lines.append(style.dim(String(repeating: " ", count: labelWidth + 2) + ends))
        let scale = logarithmic ? "loss, logarithmic scale (each row a constant factor)" : "loss, linear scale"
        return style.strong("loss curve") + style.dim("  \(scale)") + "\n" + lines.joined(separator: "\n")
    }
}
