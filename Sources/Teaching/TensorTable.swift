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

    /// The rows of `count` that a long listing shows: all of them up to `maximumRows`, else the
    /// first 16 and the last 4 with nil (a gap) between them. Tables use it, and so does any
    /// other listing of rows (`attends`), so that every long listing is cut the same way.
    public static func shownRows(of count: Int) -> [Int?] {
        count <= maximumRows ? (0..<count).map { $0 } : (0..<16).map { $0 } + [nil] + ((count - 4)..<count).map { $0 }
    }

    public func render(format: NumberFormat, style: Style, width: Int) -> String {
        // Only the cells that can be shown are formatted, so a 4096 x 4096 matrix renders as
        // quickly as a small one: rows beyond `maximumRows` and columns beyond what any
        // terminal could fit are elided before any number is written.
        let rows = Self.shownRows(of: matrix.rows)
        let candidates = matrix.cols <= 64 ? Array(0..<matrix.cols) : Array(0..<48) + [matrix.cols - 1]
        let shownRows = rows.compactMap { $0 }
        let labelWidth = shownRows.map { rowLabels[$0].count }.max() ?? 0
        // A column (its numbers in the rows shown, and its width) is formatted when first asked
        // for, and only the columns that decide what fits, and those shown, are asked for.
        var columns = [(cells: [String], width: Int)?](repeating: nil, count: candidates.count)
        func column(_ c: Int) -> (cells: [String], width: Int) {
            if let known = columns[c] { return known }
            let cells = shownRows.map { format.string(matrix[$0, candidates[c]]) }
            let formatted = (cells, max(columnLabels[candidates[c]].count, cells.map(\.count).max() ?? 0))
            columns[c] = formatted
            return formatted
        }
        // Positions in `candidates`, and nil for an ellipsis.
        var shown = Self.visibleColumns(count: candidates.count, available: width - labelWidth - 2) { column($0).width }
        if candidates.count < matrix.cols, !shown.contains(where: { $0 == nil }) {
            shown.insert(nil, at: shown.count - 1)   // columns were left out before measuring
        }
        let shownColumns = shown.map { position in position.map { (label: columnLabels[candidates[$0]], column: column($0)) } }

        var lines: [String] = []
        let axes = axes.map { " (\($0))" } ?? ""
        lines.append(style.strong(title) + style.dim("  \(matrix.rows) x \(matrix.cols)\(axes)"))
        func line(_ label: String, _ entry: (_ label: String, _ cells: [String]) -> String) -> String {
            var text = "  " + label.padded(to: labelWidth)
            for shown in shownColumns {
                if let (label, column) = shown {
                    text += "  " + entry(label, column.cells).leftPadded(to: column.width)
                } else {
                    text += "  …"
                }
            }
            return text
        }
        lines.append(style.dim(line("", { label, _ in label })))
        var r = 0   // the next of the rows shown
        for row in rows {
            guard let i = row else {
                lines.append("  " + "⋮".padded(to: labelWidth) + style.dim("  (\(matrix.rows - shownRows.count) rows not shown)"))
                continue
            }
            let shownRow = r
            r += 1
            lines.append(line(rowLabels[i], { _, cells in cells[shownRow] }))
        }
        return lines.joined(separator: "\n")
    }

    /// Which of `count` columns fit: all of them, or a prefix and the last column with `nil`
    /// (an ellipsis) between them. Each column costs its width, `width(c)`, plus two spaces.
    /// Widths are asked for from the first column on, only as far as needed (once the columns
    /// so far overflow, the prefix that fits is among them), and then the last column's; so
    /// not every column returned has had its width asked for (two are both shown, however wide).
    static func visibleColumns(count: Int, available: Int, width: (Int) -> Int) -> [Int?] {
        var total = 0
        let overflows = (0..<count).contains { c in
            total += width(c) + 2
            return total > available
        }
        guard overflows, count > 2 else { return (0..<count).map { $0 } }
        var budget = available - (width(count - 1) + 2) - 3
        var prefix: [Int?] = []
        for j in 0..<(count - 1) {
            budget -= width(j) + 2
            if budget < 0 { break }
            prefix.append(j)
        }
        if prefix.isEmpty { prefix = [0] }
        return prefix + [nil, count - 1]
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
