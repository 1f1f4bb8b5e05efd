import Attention

/// One tensor as an aligned table: a header with its name and shape, row labels (tokens), and
/// column labels (keys for queries x keys stages, feature indices otherwise). Columns that do
/// not fit in `width` are elided in the middle with `…`, keeping the first and the last.
public struct TensorTable: Sendable {
    public var title: String
    public var matrix: Matrix
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// Optional description of the axes, shown after the shape: "queries x keys".
    public var axes: String?

    public init(title: String, matrix: Matrix, rowLabels: [String], columnLabels: [String], axes: String? = nil) {
        self.title = title
        self.matrix = matrix
        // A row or column a caller gave no label gets its index, so that a count that does not
        // match (a target with more rows than there are queries) is shown, not a crash.
        self.rowLabels = rowLabels + (min(rowLabels.count, matrix.rows)..<matrix.rows).map(String.init)
        self.columnLabels = columnLabels + (min(columnLabels.count, matrix.cols)..<matrix.cols).map(String.init)
        self.axes = axes
    }

    /// A vector (a bias) as a single row with feature indices.
    public init(title: String, vector: [Double]) {
        let matrix = (try? Matrix(rows: 1, cols: vector.count, values: vector)) ?? Matrix(rows: 1, cols: 1)
        self.init(title: title, matrix: matrix, rowLabels: [""], columnLabels: Labels.features(matrix.cols))
    }

    /// Tables longer than this show their first and last rows with `⋮` between.
    static let maximumRows = 24

    public func render(format: NumberFormat, style: Style, width: Int) -> String {
        // Only the cells that can be shown are formatted, so a 4096 x 4096 matrix renders as
        // quickly as a small one: rows beyond `maximumRows` and columns beyond what any
        // terminal could fit are elided before any number is written.
        let rows: [Int?] = matrix.rows <= Self.maximumRows ? (0..<matrix.rows).map { $0 }
            : (0..<16).map { $0 } + [nil] + ((matrix.rows - 4)..<matrix.rows).map { $0 }
        let candidates = matrix.cols <= 64 ? Array(0..<matrix.cols) : Array(0..<48) + [matrix.cols - 1]
        let shownRows = rows.compactMap { $0 }
        // cells[r][c] is the number in row shownRows[r], column candidates[c].
        let cells = shownRows.map { i in candidates.map { j in format.string(matrix[i, j]) } }
        let labelWidth = shownRows.map { rowLabels[$0].count }.max() ?? 0
        let candidateWidths = candidates.indices.map { c in
            max(columnLabels[candidates[c]].count, cells.map { $0[c].count }.max() ?? 0)
        }
        let available = width - labelWidth - 2
        // Positions in `candidates`, and nil for an ellipsis.
        var shown = Self.visibleColumns(widths: candidateWidths, available: available)
        if candidates.count < matrix.cols, !shown.contains(where: { $0 == nil }) {
            shown.insert(nil, at: shown.count - 1)   // columns were left out before measuring
        }

        var lines: [String] = []
        let axes = axes.map { " (\($0))" } ?? ""
        lines.append(style.strong(title) + style.dim("  \(matrix.rows) x \(matrix.cols)\(axes)"))
        func line(_ label: String, _ entry: (Int) -> String) -> String {
            var text = "  " + label.padded(to: labelWidth)
            for column in shown {
                if let c = column {
                    text += "  " + entry(c).leftPadded(to: candidateWidths[c])
                } else {
                    text += "  …"
                }
            }
            return text
        }
        lines.append(style.dim(line("", { columnLabels[candidates[$0]] })))
        var r = 0   // the next row of `cells`
        for row in rows {
            guard let i = row else {
                lines.append("  " + "⋮".padded(to: labelWidth) + style.dim("  (\(matrix.rows - shownRows.count) rows not shown)"))
                continue
            }
            let rowCells = cells[r]
            r += 1
            lines.append(line(rowLabels[i], { rowCells[$0] }))
        }
        return lines.joined(separator: "\n")
    }

    /// Which columns fit: all of them, or a prefix and the last column with `nil` (an
    /// ellipsis) between them. Each column costs its width plus two spaces.
    static func visibleColumns(widths: [Int], available: Int) -> [Int?] {
        let total = widths.reduce(0) { $0 + $1 + 2 }
        guard total > available, widths.count > 2 else { return widths.indices.map { $0 } }
        var budget = available - (widths.last! + 2) - 3
        var prefix: [Int?] = []
        for j in widths.indices.dropLast() {
            budget -= widths[j] + 2
            if budget < 0 { break }
            prefix.append(j)
        }
        if prefix.isEmpty { prefix = [0] }
        return prefix + [nil, widths.count - 1]
    }
}

extension String {
    /// The string followed by spaces up to `length` characters (unchanged if longer).
    public func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    /// Spaces and then the string, `length` characters in all (unchanged if longer).
    public func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
