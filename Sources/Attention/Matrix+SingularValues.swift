import RealModule

extension Matrix {
    /// The singular values of this matrix, largest first: min(rows, cols) of them.
    ///
    /// One-sided Jacobi (Hestenes 1958): plane rotations make the columns of a copy pairwise
    /// orthogonal without changing its singular values; the columns' lengths are then the
    /// singular values. Slower than bidiagonalisation, but short, and accurate to a few units
    /// of rounding relative to the largest value, which is all a rank needs.
    public var singularValues: [Double] {
        // Work on the orientation with at least as many rows as columns.
        let work = rows >= cols ? self : transposed
        let (m, n) = (work.rows, work.cols)
        guard n > 0 else { return [] }
        // Column j of the working copy is columns[j * m ..< (j + 1) * m].
        var columns = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n { columns[j * m + i] = work[i, j] }
        }
        let tolerance = Double.ulpOfOne
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<n - 1 {
                for q in p + 1..<n {
                    var (alpha, beta, gamma) = (0.0, 0.0, 0.0)
                    for i in 0..<m {
                        let (x, y) = (columns[p * m + i], columns[q * m + i])
                        alpha += x * x
                        beta += y * y
                        gamma += x * y
                    }
                    guard abs(gamma) > tolerance * (alpha * beta).squareRoot(), gamma != 0 else { continue }
                    rotated = true
                    // The rotation that zeroes the pair's inner product.
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let (x, y) = (columns[p * m + i], columns[q * m + i])
                        columns[p * m + i] = c * x - s * y
                        columns[q * m + i] = s * x + c * y
                    }
                }
            }
            if !rotated { break }
        }
        return (0..<n).map { j in
            (0..<m).reduce(0.0) { $0 + columns[j * m + $1] * columns[j * m + $1] }.squareRoot()
        }.sorted(by: >)
    }

    /// The R of a Householder QR decomposition of this matrix (rows >= cols): cols x cols,
    /// upper triangular, with Rᵀ R = Aᵀ A. `A Bᵀ` and `R_A R_Bᵀ` have the same singular values
    /// (A = Q_A R_A with orthonormal columns), which is how a rank-d_k product of two tall
    /// factors is measured on a d_k x d_k matrix.
    var householderR: Matrix {
        precondition(rows >= cols, "R of a tall matrix")
        var a = self
        for k in 0..<cols {
            let norm = (k..<rows).reduce(0.0) { $0 + a[$1, k] * a[$1, k] }.squareRoot()
            guard norm > 0 else { continue }
            let alpha = a[k, k] > 0 ? -norm : norm
            var v = (k..<rows).map { a[$0, k] }
            v[0] -= alpha
            let vv = v.reduce(0.0) { $0 + $1 * $1 }
            guard vv > 0 else { continue }
            for j in k..<cols {
                let dot = (k..<rows).reduce(0.0) { $0 + v[$1 - k] * a[$1, j] }
                let factor = 2 * dot / vv
                for i in k..<rows { a[i, j] -= factor * v[i - k] }
            }
        }
        return Matrix(rows: cols, cols: cols) { i, j in j >= i ? a[i, j] : 0 }
    }

    /// The singular values of `A Bᵀ` (A is p x r, B is q x r), largest first, min(p, q) of
    /// them: when r is the smallest size, from the r x r matrix `R_A R_Bᵀ` (and the rest are
    /// exactly 0, since the product has rank at most r); otherwise from the product itself.
    public static func singularValues(ofProduct a: Matrix, transposing b: Matrix) throws -> [Double] {
        guard a.cols == b.cols else {
            throw AttentionError.shapeMismatch(operation: "A Bᵀ", left: a.shape, right: Shape(b.cols, b.rows),
                                               requirement: "A and B need the same number of columns")
        }
        let (p, q, r) = (a.rows, b.rows, a.cols)
        guard r < min(p, q) else { return try a.multiplied(by: b.transposed).singularValues }
        let core = try a.householderR.multiplied(by: b.householderR.transposed)
        return core.singularValues + [Double](repeating: 0, count: min(p, q) - r)
    }

    /// How many singular values count as nonzero: those above `largest x max(rows, cols) x
    /// eps`, NumPy's `matrix_rank` default.
    public static func numericalRank(_ singularValues: [Double], rows: Int, cols: Int) -> Int {
        guard let largest = singularValues.max(), largest > 0 else { return 0 }
        let threshold = largest * Double(max(rows, cols)) * Double.ulpOfOne
        return singularValues.filter { $0 > threshold }.count
    }
}
