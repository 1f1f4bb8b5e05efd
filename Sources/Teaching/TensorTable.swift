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
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.axes = axes
    }

    /// A vector (a bias) as a single row with feature indices.
    public init(title: String, vector: [Double]) {
        let matrix = (try? Matrix(rows: 1, cols: vector.count, values: vector)) ?? Matrix(rows: 1, cols: 1)
        self.init(title: title, matrix: matrix, rowLabels: [""], columnLabels: Labels.features(matrix.cols))
    }

    public func render(format: NumberFormat, style: Style, width: Int) -> String {
        let cells = (0..<matrix.rows).map { i in (0..<matrix.cols).map { format.string(matrix[i, $0]) } }
        let labelWidth = rowLabels.map(\.count).max() ?? 0
        let columnWidths = (0..<matrix.cols).map { j in
            max(columnLabels[j].count, cells.map { $0[j].count }.max() ?? 0)
        }
        let shown = Self.visibleColumns(widths: columnWidths, available: width - labelWidth - 2)

        var lines: [String] = []
        let axes = axes.map { " (\($0))" } ?? ""
        lines.append(style.strong(title) + style.dim("  \(matrix.rows) x \(matrix.cols)\(axes)"))
        func line(_ label: String, _ entry: (Int) -> String) -> String {
            var text = "  " + label.padded(to: labelWidth)
            for column in shown {
                if let j = column {
                    text += "  " + entry(j).leftPadded(to: columnWidths[j])
                } else {
                    text += "  …"
                }
            }
            return text
        }
        lines.append(style.dim(line("", { columnLabels[$0] })))
        for i in 0..<matrix.rows {
            lines.append(line(rowLabels[i], { cells[i][$0] }))
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
