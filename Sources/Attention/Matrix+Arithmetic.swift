extension Matrix {
    /// The matrix product `A B`: (n x k)(k x m) -> (n x m), with
    /// `(A B)[i][j] = sum over t of A[i][t] * B[t][j]`, the terms added in order t = 0, 1, ...
    ///
    /// Throws when `A.cols != B.rows`.
    public func multiplied(by other: Matrix, operation: String = "matrix product") throws -> Matrix {
        guard cols == other.rows else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: other.shape,
                requirement: "the left matrix's \(cols) columns must equal the right matrix's \(other.rows) rows")
        }
        var result = Matrix(rows: rows, cols: other.cols)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                result.withUnsafeMutableStorage { c in
                    // i-t-j order walks both B and C along rows, so each element still sums
                    // its terms in order t = 0, 1, ... as the formula says.
                    for i in 0..<rows {
                        let cRow = i * other.cols
                        for t in 0..<cols {
                            let a_it = a[i * cols + t]
                            let bRow = t * other.cols
                            for j in 0..<other.cols {
                                c[cRow + j] += a_it * b[bRow + j]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The transpose `Aᵀ`: (n x m) -> (m x n), `Aᵀ[j][i] = A[i][j]`.
    public var transposed: Matrix {
        var result = Matrix(rows: cols, cols: rows)
        values.withUnsafeBufferPointer { a in
            result.withUnsafeMutableStorage { t in
                // In 32 x 32 tiles, so that both the rows read and the rows written stay in the
                // cache: a large matrix read down its columns would miss on every element.
                let tile = 32
                for rowStart in stride(from: 0, to: rows, by: tile) {
                    for colStart in stride(from: 0, to: cols, by: tile) {
                        for i in rowStart..<min(rowStart + tile, rows) {
                            for j in colStart..<min(colStart + tile, cols) { t[j * rows + i] = a[i * cols + j] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Every element multiplied by `factor`: `(c A)[i][j] = c * A[i][j]`, shape unchanged.
    public func scaled(by factor: Double) -> Matrix {
        mapElements { $0 * factor }
    }

    /// Every element divided by `divisor`: `(A / c)[i][j] = A[i][j] / c`, shape unchanged. A
    /// division, not a multiplication by 1 / c, so each entry is what the learner's own
    /// division gives.
    public func divided(by divisor: Double) -> Matrix {
        mapElements { $0 / divisor }
    }

    /// `transform` applied to every element, shape unchanged. One plain loop over the storage,
    /// which the compiler can vectorise (`values.map` appended one element at a time).
    @inlinable
    public func mapElements(_ transform: (Double) -> Double) -> Matrix {
        values.withUnsafeBufferPointer { source in
            Matrix(rows: rows, cols: cols) { target in
                for index in target.indices { target[index] = transform(source[index]) }
            }
        }
    }

    /// `A + 1 bᵀ`: the row vector `b` (length m) added to every row of A (n x m), as a
    /// bias is added to every token's projection. Throws when `b.count != A.cols`.
    ///
    /// Consuming: called on a matrix nothing else holds (a product just computed), it adds in
    /// place instead of copying first.
    public consuming func addingRowVector(_ b: [Double], operation: String = "adding a bias") throws -> Matrix {
        guard b.count == cols else {
            throw AttentionError.lengthMismatch(operation: operation, expected: cols, found: b.count)
        }
        let (rows, cols) = (rows, cols)
        var result = self
        b.withUnsafeBufferPointer { b in
            result.withUnsafeMutableStorage { r in
                for i in 0..<rows {
                    for j in 0..<cols { r[i * cols + j] += b[j] }
                }
            }
        }
        return result
    }

    /// Element-wise sum `A + B` of two matrices of the same shape.
    public func adding(_ other: Matrix, operation: String = "adding matrices") throws -> Matrix {
        guard shape == other.shape else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: other.shape,
                requirement: "both must have the same shape")
        }
        var result = self
        other.values.withUnsafeBufferPointer { b in
            result.withUnsafeMutableStorage { r in
                for index in r.indices { r[index] += b[index] }
            }
        }
        return result
    }

    /// `1ᵀ A`: the sum of each column (length m), which is how a bias added to every row
    /// receives its gradient, `dL/db = Σ_rows dL/d(A + 1 bᵀ)`.
    public var columnSums: [Double] {
        var sums = Array(repeating: 0.0, count: cols)
        values.withUnsafeBufferPointer { a in
            sums.withUnsafeMutableBufferPointer { sums in
                for i in 0..<rows {
                    for j in 0..<cols { sums[j] += a[i * cols + j] }
                }
            }
        }
        return sums
    }

    /// `Σ_ij A[i][j] B[i][j]`, the Frobenius inner product of two matrices of the same shape:
    /// how a scalar gate g that multiplies B receives its gradient from dL/d(g B) = A.
    public func innerProduct(_ other: Matrix, operation: String = "an inner product") throws -> Double {
        guard shape == other.shape else {
            throw AttentionError.shapeMismatch(operation: operation, left: shape, right: other.shape,
                                               requirement: "both must have the same shape")
        }
        return zip(values, other.values).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Runs `body` on the mutable storage without copy-on-write checks in the loop.
    @usableFromInline
    mutating func withUnsafeMutableStorage<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) -> R) -> R {
        values.withUnsafeMutableBufferPointer { body(&$0) }
    }
}
