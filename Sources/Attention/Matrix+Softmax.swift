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
    ///
    /// The row loop is `MicroKernel.softmax` (module ProductKernels), run in the module built for
    /// the widest vectors this CPU has; the modules give the same numbers bit for bit.
    public var softmaxRows: Matrix { softmaxRows(using: .fastest) }

    /// `softmaxRows` with the row loop of `product`'s module (the fastest for the readable
    /// product), so that a trace timed with one kernel runs only that kernel's instructions.
    /// The same numbers whichever module runs it.
    public func softmaxRows(using product: Kernels.Product) -> Matrix {
        let softmax = (product == .reference ? .fastest : product).rowSoftmax
        return values.withUnsafeBufferPointer { input in
            Matrix(rows: rows, cols: cols) { output in
                for i in 0..<rows { softmax(input.baseAddress! + i * cols, output.baseAddress! + i * cols, cols) }
            }
        }
    }

    /// The backward twin of `softmaxRows`: called on the weights `w = softmax(s)` (row-wise)
    /// with `g = dL/dw`, it returns `dL/ds`, the softmax's Jacobian-vector product row by row:
    ///
    ///     dL/ds_j = Σ_t g_t dw_t/ds_j = w_j (g_j - Σ_t g_t w_t)
    ///
    /// since dw_t/ds_j = w_t (δ_tj - w_j). Only how each g_j differs from the row's weighted
    /// average Σ_t g_t w_t matters: adding a constant to every g_t changes nothing, as adding a
    /// constant to every score changes no weight. A blocked key (w_j = 0) gets exactly 0. A row
    /// of NaN weights (every key blocked) depends on no score: its gradient is 0, not NaN.
    /// Throws when the shapes differ.
    public func softmaxRowsBackward(_ gradient: Matrix, operation: String = "the softmax's backward pass") throws -> Matrix {
        guard gradient.shape == shape else {
            throw AttentionError.shapeMismatch(operation: operation, left: shape, right: gradient.shape,
                                               requirement: "the gradient has the weights' shape")
        }
        var result = Matrix(rows: rows, cols: cols)
        for i in 0..<rows {
            let start = i * cols
            guard !values[start].isNaN else { continue }
            var average = 0.0   // Σ_t g_t w_t, the weighted average of the row's gradient
            for j in 0..<cols { average += gradient.values[start + j] * values[start + j] }
            for j in 0..<cols { result.values[start + j] = values[start + j] * (gradient.values[start + j] - average) }
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
