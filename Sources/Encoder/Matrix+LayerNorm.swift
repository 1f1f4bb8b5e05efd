import Attention

extension Matrix {
    /// LayerNorm over each row (each token's vector, length d), as BERT applies it:
    ///
    ///     y_j = (x_j - mean) / sqrt(var + eps) · gamma_j + beta_j
    ///
    /// with `mean = Σ_j x_j / d` and the biased `var = Σ_j (x_j - mean)² / d`. Every token is
    /// rescaled to mean 0 and variance 1 on its own (unlike batch normalisation, nothing is shared
    /// between tokens), then given the learned gain gamma and shift beta. eps keeps a constant
    /// row from dividing by zero. Shape unchanged (n x d). Throws when gamma or beta is not of
    /// length d.
    public func layerNormalized(gamma: [Double], beta: [Double], eps: Double,
                                operation: String = "LayerNorm") throws -> Matrix {
        guard gamma.count == cols else {
            throw AttentionError.lengthMismatch(operation: "\(operation)'s gain gamma", expected: cols, found: gamma.count)
        }
        guard beta.count == cols else {
            throw AttentionError.lengthMismatch(operation: "\(operation)'s shift beta", expected: cols, found: beta.count)
        }
        var result = [Double](repeating: 0, count: rows * cols)
        let d = Double(cols)
        for i in 0..<rows {
            let start = i * cols
            var mean = 0.0
            for j in 0..<cols { mean += values[start + j] }
            mean /= d
            var variance = 0.0
            for j in 0..<cols {
                let centred = values[start + j] - mean
                variance += centred * centred
            }
            variance /= d
            let inverseDeviation = 1 / (variance + eps).squareRoot()
            for j in 0..<cols {
                result[start + j] = (values[start + j] - mean) * inverseDeviation * gamma[j] + beta[j]
            }
        }
        return try Matrix(rows: rows, cols: cols, values: result)
    }
}
