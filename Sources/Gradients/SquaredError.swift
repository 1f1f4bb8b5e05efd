import Attention

/// The mean squared error of a layer's output against a target, PyTorch's `nn.MSELoss()`:
///
///     L = 1/(n' d_out) Σ_r Σ_j (output[r][j] - target[r][j])²
///
/// over the n' rows whose output is defined, and its gradient, the start of the backward pass:
///
///     dL/doutput[r][j] = 2 (output[r][j] - target[r][j]) / (n' d_out)
///
/// A query whose every key is blocked has an output row of NaN (`Trace.fullyBlockedRows`);
/// such a row is left out of the mean (n' = n minus those rows) and its gradient is 0, so the
/// loss and every gradient stay numbers. With no such row, n' = n and this is exactly
/// `nn.MSELoss()`.
public struct SquaredError: Equatable, Sendable {
    /// L.
    public let value: Double
    /// dL/doutput, the output's shape; zero in the rows left out.
    public let gradient: Matrix
    /// The rows averaged over (every row whose output is defined), in order.
    public let rows: [Int]
    /// output - target, the shape of the output (NaN in the rows left out).
    public let difference: Matrix

    /// The loss of `output` against `target`, leaving out `undefinedRows`. Throws when the
    /// shapes differ or no row is left.
    public init(output: Matrix, target: Matrix, leavingOut undefinedRows: [Int] = []) throws {
        guard output.shape == target.shape else {
            throw AttentionError.invalid(
                "the target is \(target.shape) but the output is \(output.shape): the target needs one row per "
                + "token and one column per output feature (\(output.shape))")
        }
        let left = Set(undefinedRows)
        rows = (0..<output.rows).filter { !left.contains($0) }
        guard !rows.isEmpty else {
            throw AttentionError.invalid("every query has every key blocked, so no output row is defined and there is no loss to measure")
        }
        let count = Double(rows.count * output.cols)
        difference = try output.adding(target.scaled(by: -1), operation: "output - target")
        var gradient = Matrix(rows: output.rows, cols: output.cols)
        var sum = 0.0
        for r in rows {
            for j in 0..<output.cols {
                let d = difference[r, j]
                sum += d * d
                gradient[r, j] = 2 * d / count
            }
        }
        value = sum / count
        self.gradient = gradient
    }
}
