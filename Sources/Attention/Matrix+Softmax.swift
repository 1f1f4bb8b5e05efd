import RealModule

extension Matrix {
    /// Row-wise softmax in its numerically stable form:
    /// `softmax(s)_j = exp(s_j - max(s)) / sum over t of exp(s_t - max(s))`.
    ///
    /// Subtracting the row maximum changes nothing mathematically (the factor exp(-max)
    /// cancels) but keeps every exponent <= 0, so exp never overflows however large the scores.
    /// Entries of -infinity (blocked keys) get weight exactly 0. Each row with at least one
    /// finite entry sums to 1.
    ///
    /// A row whose entries are all -infinity has no key to attend to: its weights are NaN, as
    /// in PyTorch and NumPy (0 / 0). The trace records such rows (`Trace.fullyBlockedRows`)
    /// so that the learner is told why, rather than silently given zeros.
    public var softmaxRows: Matrix {
        var result = self
        for i in 0..<rows {
            let start = i * cols
            let row = values[start..<(start + cols)]
            let maximum = row.max() ?? -.infinity
            guard maximum > -.infinity else {
                for j in 0..<cols { result.values[start + j] = .nan }
                continue
            }
            var sum = 0.0
            for j in 0..<cols {
                let e = Double.exp(values[start + j] - maximum)
                result.values[start + j] = e
                sum += e
            }
            for j in 0..<cols { result.values[start + j] /= sum }
        }
        return result
    }

    /// `A` with every element where `mask` is true replaced by `value` (usually -infinity):
    /// `result[i][j] = mask[i][j] ? value : A[i][j]`. Throws when the shapes differ.
    public func maskedFill(_ mask: Mask, with value: Double, operation: String = "applying the mask") throws -> Matrix {
        guard mask.shape == shape else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: mask.shape,
                requirement: "the mask needs one entry per score: queries x keys")
        }
        var result = self
        for index in values.indices where mask.blocked[index] { result.values[index] = value }
        return result
    }
}
