import Attention

/// Copies between a batch-wide matrix (every position of every sequence, B·n rows) and the
/// small matrices of one sequence and one head, straight through the storage: at a task
/// model's sizes, element-by-element subscripts would cost as much as the arithmetic.
enum Block {
    /// Rows `rows` and columns `cols` of `m` as a new matrix.
    static func read(_ m: Matrix, rows: Range<Int>, cols: Range<Int>) -> Matrix {
        let width = m.cols
        let values = m.values.withUnsafeBufferPointer { source in
            [Double](unsafeUninitializedCapacity: rows.count * cols.count) { target, count in
                var index = 0
                for r in rows {
                    let start = r * width + cols.lowerBound
                    for c in 0..<cols.count {
                        target[index] = source[start + c]
                        index += 1
                    }
                }
                count = index
            }
        }
        return try! Matrix(rows: rows.count, cols: cols.count, values: values)   // the counts match by construction
    }

    /// Writes `block` times `scale` into `values` (row-major, `width` columns), its top-left
    /// corner at (`row`, `col`).
    static func write(_ block: Matrix, scale: Double = 1, into values: inout [Double], width: Int, row: Int, col: Int) {
        block.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for r in 0..<block.rows {
                    let start = (row + r) * width + col
                    for c in 0..<block.cols { target[start + c] = scale * source[r * block.cols + c] }
                }
            }
        }
    }
}
