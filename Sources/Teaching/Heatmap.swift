import Attention

/// A terminal heatmap of one queries x keys (or any) matrix per head: token labels on both
/// axes, colour backgrounds when colour is on, a plain shade ramp when it is off, blocked
/// cells drawn as `x` so they never look like small weights.
public struct Heatmap: Sendable {
    public struct Panel: Sendable {
        public var title: String
        public var matrix: Matrix
        /// Cells drawn as blocked (-inf scores, masked pairs), or nil.
        public var blocked: Mask?

        public init(title: String, matrix: Matrix, blocked: Mask?) {
            self.title = title
            self.matrix = matrix
            self.blocked = blocked
        }
    }

    public var panels: [Panel]
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// The values mapped to the lightest and darkest shade.
    public var range: ClosedRange<Double>

    /// From the lightest to the darkest: plain characters, readable in any terminal or file.
    static let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    public init(panels: [Panel], rowLabels: [String], columnLabels: [String], range: ClosedRange<Double>) {
        self.panels = panels
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.range = range
    }

    /// The range of the finite values of all panels (0...1 for weights, where 0 and 1 are the
    /// natural ends).
    public static func range(of panels: [Panel], isWeights: Bool) -> ClosedRange<Double> {
        if isWeights { return 0...1 }
        let values = panels.flatMap(\.matrix.values).filter(\.isFinite)
        guard let low = values.min(), let high = values.max(), high > low else { return .around(values.first ?? 0) }
        return low...high
    }

    /// Position of a value on the scale, 0 (lightest) to 1 (darkest). A scale wider than the
    /// largest Double (-1e308 to 1e308) is measured in halves, so that its width does not
    /// overflow to infinity.
    func level(_ value: Double) -> Double {
        let (low, high) = (range.lowerBound, range.upperBound)
        let t = (high - low).isFinite ? (value - low) / (high - low) : (value / 2 - low / 2) / (high / 2 - low / 2)
        return t.isNaN ? 0.5 : min(max(t, 0), 1)
    }

    /// For a scale that crosses zero: whether scale position `t` lies below zero, and how far
    /// along its side of zero, from 0 to 1 (below: from the most negative value to zero; above:
    /// from zero to the most positive, 0 throughout when zero tops the scale, as in -1 to 1e-300).
    func side(_ t: Double) -> (belowZero: Bool, along: Double) {
        let zero = level(0)
        if t < zero { return (true, t / zero) }
        return (false, zero < 1 ? (t - zero) / (1 - zero) : 0)
    }

    /// Long sides are cut as tables cut their rows (`TensorTable.shownRows`): the first 16 and
    /// the last 4 rows, and likewise columns, with `⋮` and `…` for the rest.
    public func render(style: Style, format: NumberFormat, width: Int) -> String {
        let rows = TensorTable.shownRows(of: rowLabels.count), columns = TensorTable.shownRows(of: columnLabels.count)
        let labelWidth = rows.map { $0.map { rowLabels[$0].count } ?? 1 }.max() ?? 1
        let cellWidth = min(max(columns.map { $0.map { columnLabels[$0].count } ?? 1 }.max() ?? 1, 2), 6) + 1
        let blocks = panels.map { renderPanel($0, rows: rows, columns: columns, labelWidth: labelWidth, cellWidth: cellWidth, style: style) }
        let panelWidth = 2 + labelWidth + cellWidth * columns.count
        let perLine = max(1, (width + 4) / (panelWidth + 4))
        var lines: [String] = []
        for start in stride(from: 0, to: blocks.count, by: perLine) {
            let group = Array(blocks[start..<min(start + perLine, blocks.count)])
            if !lines.isEmpty { lines.append("") }
            for row in 0..<group[0].count {
                lines.append(group.map { $0[row].visiblePadded(to: panelWidth) }.joined(separator: "    "))
            }
        }
        lines.append("")
        let hidden = (rowLabels.count - rows.compactMap { $0 }.count, columnLabels.count - columns.compactMap { $0 }.count)
        if hidden != (0, 0) {
            lines.append(style.dim("(" + [hidden.0 > 0 ? "\(hidden.0) rows" : nil, hidden.1 > 0 ? "\(hidden.1) columns" : nil]
                .compactMap { $0 }.joined(separator: " and ") + " not shown)"))
        }
        lines.append(legend(style: style, format: format))
        return lines.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n")
    }

    private func renderPanel(_ panel: Panel, rows: [Int?], columns: [Int?], labelWidth: Int, cellWidth: Int,
                             style: Style) -> [String] {
        var lines = [style.strong(panel.title)]
        lines.append("  " + "".padded(to: labelWidth)
                     + columns.map { j in (j.map { String(columnLabels[$0].prefix(cellWidth - 1)) } ?? "…").leftPadded(to: cellWidth) }.joined())
        for row in rows {
            guard let i = row else {
                lines.append("  " + "⋮".padded(to: labelWidth))
                continue
            }
            var line = "  " + rowLabels[i].padded(to: labelWidth)
            for column in columns {
                guard let j = column else {
                    line += "…".leftPadded(to: cellWidth)
                    continue
                }
                line += cell(panel.matrix[i, j], blocked: panel.blocked?[i, j] ?? false, width: cellWidth, style: style)
            }
            lines.append(line)
        }
        return lines
    }

    private func cell(_ value: Double, blocked: Bool, width: Int, style: Style) -> String {
        let pad = String(repeating: " ", count: width - 1)
        if blocked || value == -.infinity { return " " + String(repeating: " ", count: width - 2) + "x" }
        if value.isNaN { return " " + String(repeating: " ", count: width - 2) + "?" }
        let t = level(value)
        if style.colour {
            return " \u{1B}[48;5;\(colourCode(t))m\(pad)\u{1B}[0m"
        }
        let index = Int((t * Double(Self.ramp.count - 1)).rounded())
        return " " + String(repeating: Self.ramp[index], count: width - 1)
    }

    private func legend(style: Style, format: NumberFormat) -> String {
        let low = format.string(range.lowerBound), high = format.string(range.upperBound)
        let scale: String
        if style.colour {
            scale = stride(from: 0.0, through: 1.0, by: 0.1).map { "\u{1B}[48;5;\(colourCode($0))m  \u{1B}[0m" }.joined()
        } else {
            scale = "[" + String(Self.ramp) + "]"
        }
        let cells = panels.flatMap { panel in
            panel.matrix.values.indices.map { (panel.matrix.values[$0], panel.blocked?.blocked[$0] ?? false) }
        }
        var marks: [String] = []
        if cells.contains(where: { $0.1 || $0.0 == -.infinity }) { marks.append("x = blocked (masked)") }
        if cells.contains(where: { $0.0.isNaN }) { marks.append("? = NaN (no visible key)") }
        return "scale: \(low) \(scale) \(high)" + (marks.isEmpty ? "" : "    " + marks.joined(separator: ", "))
    }

    static let viridis = [53, 55, 24, 25, 30, 31, 36, 71, 77, 148, 220]

    /// Whether a cell at scale position t is dark enough to need light text on it.
    func isDark(_ t: Double) -> Bool {
        guard isSigned else { return t > 0.55 }
        let (belowZero, along) = side(t)
        return belowZero ? along < 0.45 : along > 0.55
    }

    /// Whether the scale runs from negative to positive values (scores, X, outputs): such
    /// tensors get a two-sided scale, blue below zero and red above, white at zero.
    public var isSigned: Bool { range.lowerBound < 0 && range.upperBound > 0 }

    /// The 256-colour palette entry for scale position t (0...1). One-sided scales (weights)
    /// run from dark violet through teal and green to yellow, palette entries near matplotlib's
    /// viridis at t = 0, 0.1, ..., 1, each brighter than the last; neither end
    /// is black or white, so every cell shows on a dark terminal and on a light one. (A grey
    /// ramp from white to black left the strongest weights invisible on a dark background.)
    /// Two-sided ones run from deep blue through white (at zero) to deep red.
    public func colourCode(_ t: Double) -> Int {
        guard isSigned else { return Self.viridis[Int((min(max(t, 0), 1) * 10).rounded())] }
        let blues = [17, 19, 25, 68, 111, 153, 195], reds = [224, 217, 210, 203, 167, 124, 88]
        if abs(t - level(0)) < 0.02 { return 231 }
        let (belowZero, along) = side(t)
        return belowZero ? blues[min(Int(along * Double(blues.count)), blues.count - 1)]
            : reds[min(Int(along * Double(reds.count)), reds.count - 1)]
    }
}

extension String {
    /// The string followed by spaces up to `length` visible characters: escape sequences
    /// take no room on screen.
    func visiblePadded(to length: Int) -> String {
        let visible = visibleCount
        return visible >= length ? self : self + String(repeating: " ", count: length - visible)
    }

    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

extension ClosedRange<Double> {
    /// A scale around one value: one either side, or as far as the next Doubles where one is
    /// lost to rounding (1e17 - 1 is 1e17, which left a scale of no width), and no further
    /// than the largest finite Doubles.
    static func around(_ value: Double) -> ClosedRange<Double> {
        Swift.max(Swift.min(value - 1, value.nextDown), -.greatestFiniteMagnitude)
            ... Swift.min(Swift.max(value + 1, value.nextUp), .greatestFiniteMagnitude)
    }
}
