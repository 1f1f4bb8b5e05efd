extension Matrix {
    /// The columns `range` of A (n x m) as an n x range.count matrix: head i's slice of
    /// `X W_Q` is the column block `i*d_k ..< (i+1)*d_k`.
    public func columns(_ range: Range<Int>, operation: String = "taking a column block") throws -> Matrix {
        guard range.lowerBound >= 0, range.upperBound <= cols, !range.isEmpty else {
            throw AttentionError.blockOutOfRange(operation: operation, range: range, limit: cols)
        }
        return values.withUnsafeBufferPointer { source in
            Matrix(rows: rows, cols: range.count) { target in
                for i in 0..<rows {
                    (target.baseAddress! + i * range.count)
                        .initialize(from: source.baseAddress! + i * cols + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// The rows `range` of A (n x m) as a range.count x m matrix: head i's rows of W_O are
    /// the row block `i*d_v ..< (i+1)*d_v`.
    public func rows(_ range: Range<Int>, operation: String = "taking a row block") throws -> Matrix {
        guard range.lowerBound >= 0, range.upperBound <= rows, !range.isEmpty else {
            throw AttentionError.blockOutOfRange(operation: operation, range: range, limit: rows)
        }
        return try Matrix(rows: range.count, cols: cols,
                          values: Array(values[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// Horizontal concatenation `[A_1 | A_2 | ... | A_h]`: matrices with the same number of
    /// rows n and widths d_1 ... d_h become one n x (d_1 + ... + d_h) matrix, block i in
    /// columns `d_1 + ... + d_(i-1) ..< d_1 + ... + d_i`. This is `Concat(head_1, ..., head_h)`.
    public static func concatenatedHorizontally(_ blocks: [Matrix], operation: String = "concatenating heads") throws -> Matrix {
        guard let first = blocks.first else { throw AttentionError.emptyMatrix }
        for block in blocks where block.rows != first.rows {
            throw AttentionError.shapeMismatch(
                operation: operation, left: first.shape, right: block.shape,
                requirement: "every block needs the same number of rows")
        }
        let width = blocks.reduce(0) { $0 + $1.cols }
        var result = Matrix(rows: first.rows, cols: width)
        var offset = 0
        for block in blocks {
            for i in 0..<block.rows {
                for j in 0..<block.cols { result[i, offset + j] = block[i, j] }
            }
            offset += block.cols
        }
        return result
    }
}
