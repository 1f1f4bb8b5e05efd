import RealModule

extension Matrix {
    /// The entropy of row i read as a probability distribution, in nats:
    /// `H = -Σ_j w_ij ln w_ij`, with 0 ln 0 = 0. It is 0 when all the weight is on one key
    /// and ln(m) when it is spread evenly over m keys. NaN for a row of NaN (no visible key).
    public func rowEntropy(_ i: Int) -> Double {
        row(i).reduce(0) { sum, w in w > 0 ? sum - w * Double.log(w) : (w.isNaN ? .nan : sum) }
    }
}

extension Matrix {
    /// The relative change from `reference` to this matrix, ||A - B||_F / ||B||_F, over the
    /// given rows (rows of NaN, queries with no visible key, are best left out). nil when the
    /// reference is zero there, since a relative change of nothing is undefined.
    public func relativeChange(from reference: Matrix, rows: [Int]) -> Double? {
        var difference = 0.0, size = 0.0
        for row in rows {
            for col in 0..<cols {
                let d = self[row, col] - reference[row, col]
                difference += d * d
                size += reference[row, col] * reference[row, col]
            }
        }
        return size > 0 ? (difference / size).squareRoot() : nil
    }
}
