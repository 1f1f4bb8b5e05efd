import Attention

extension GradientTrace {
    /// The backward pass of `trace` for a loss whose gradient with respect to the output is
    /// `dOutput` (n x d_out; for the mean squared error, `SquaredError.gradient`). A pure
    /// function, the forward stages in reverse order, each through the rule of the chain:
    /// if the forward stage computes y = f(x), then dL/dx = (dy/dx)ᵀ dL/dy.
    ///
    /// Queries whose every key is blocked have NaN weights and outputs in the forward trace
    /// (as in PyTorch); here their weights and outputs read as 0, so their rows of dL/dhead_out,
    /// dL/dweights, dL/dscores and dL/dQ are 0, never NaN (`dOutput` must be 0 there, as
    /// `SquaredError` makes it). Their keys and values may still be seen by other queries, so
    /// dL/dK, dL/dV and dL/dX keep gradient in those rows.
    ///
    /// `kernels` chooses the matrix products, as for `Trace.compute`.
    public static func compute(_ trace: Trace, dOutput: Matrix, kernels: Kernels = .reference) throws -> GradientTrace {
        guard dOutput.shape == trace.output.shape else {
            throw AttentionError.shapeMismatch(operation: "starting the backward pass", left: trace.output.shape,
                                               right: dOutput.shape, requirement: "dL/doutput has the output's shape")
        }
        switch trace.configuration {
        case let .multiHead(c): return try multiHead(trace, c, dOutput, kernels)
        case .direct: return try direct(trace, dOutput, kernels)
        }
    }

    /// The layer, from the output back to X, in numbered steps (the forward steps reversed).
    private static func multiHead(_ trace: Trace, _ c: MultiHeadConfiguration, _ dOutput: Matrix,
                                  _ kernels: Kernels) throws -> GradientTrace {
        let (n, dK, dV) = (trace.n, trace.dK, trace.dV)
        let defined = trace.withoutUndefinedRows

        // 1. output = concat W_O + b_O.
        let (dConcat, dW_O, db_O) = try output(dOutput, concat: defined.concat!, W_O: c.W_O, kernels)

        // 2. concat = [g_1 head_1 | ... | g_h head_h]: each head gets its gated block back.
        let perHead = try (0..<trace.heads.count).map { i in
            try concat(dConcat, head: i, dV: dV, headOut: defined.heads[i].headOut, gate: trace.gate(i))
        }

        // 3-7. Inside each head, independently (so in parallel with the fast kernels).
        let heads = try kernels.map(trace.heads.count, multiplyAdds: n * n * (dK + dV)) { i, kernels in
            try head(perHead[i].dHeadOut, defined.heads[i], blocked: trace.blocked, scale: trace.scale,
                     temperature: trace.shaping.temperature, kernels: kernels)
        }

        // 8. Q = X W_Q + b_Q, K = X W_K + b_K, V = X W_V + b_V, with every head's block side by side.
        let dQ = try Matrix.concatenatedHorizontally(heads.map(\.Q))     // n x h·d_k
        let dK_ = try Matrix.concatenatedHorizontally(heads.map(\.K))    // n x h·d_k
        let dV_ = try Matrix.concatenatedHorizontally(heads.map(\.V))    // n x h·d_v
        let (dW_Q, db_Q, dX_Q) = try projection(dQ, X: c.X, W: c.W_Q, name: "Q", kernels)
        let (dW_K, db_K, dX_K) = try projection(dK_, X: c.X, W: c.W_K, name: "K", kernels)
        let (dW_V, db_V, dX_V) = try projection(dV_, X: c.X, W: c.W_V, name: "V", kernels)

        // 9. X feeds all three projections, so its gradient is the sum of the three.
        let dX = try dX_Q.adding(dX_K).adding(dX_V)                      // n x d_model

        let layer = LayerGradients(concat: dConcat, gates: perHead.map(\.dGate), W_O: dW_O, b_O: db_O,
                                   W_Q: dW_Q, W_K: dW_K, W_V: dW_V, b_Q: db_Q, b_K: db_K, b_V: db_V,
                                   Q: dQ, K: dK_, V: dV_, X: dX)
        return GradientTrace(trace: trace, output: dOutput, heads: heads, layer: layer)
    }

    /// Direct mode: output = head_out, and the given Q, K, V are where the gradient ends.
    private static func direct(_ trace: Trace, _ dOutput: Matrix, _ kernels: Kernels) throws -> GradientTrace {
        let head = try head(dOutput, trace.withoutUndefinedRows.heads[0], blocked: trace.blocked, scale: trace.scale,
                            temperature: trace.shaping.temperature, kernels: kernels)
        return GradientTrace(trace: trace, output: dOutput, heads: [head], layer: nil)
    }

    /// Steps 3 to 7 for one head, from dL/dhead_out to dL/dQ, dL/dK and dL/dV: the backward
    /// twin of `Trace.attend`. `blocked`, `scale` (1 / sqrt(d_k), or 1 with scaling off) and
    /// `temperature` are the forward pass's (the bias, a constant, needs nothing here); rows of
    /// weights that are NaN (no visible key) must be given as 0.
    public static func head(_ dHeadOut: Matrix, _ head: HeadTrace, blocked: Mask, scale: Double, temperature: Double = 1,
                            kernels: Kernels) throws -> HeadGradients {
        let (dWeights, dV) = try headOut(dHeadOut, weights: head.weights, V: head.V, kernels)   // n x m, m x d_v
        let dMasked = try weights(dWeights, weights: head.weights)                            // n x m
        let dScaled = try masked(dMasked, blocked: blocked, temperature: temperature)         // n x m
        let dScores = scaled(dScaled, scale: scale)                                           // n x m
        let (dQ, dK) = try scores(dScores, Q: head.Q, K: head.K, kernels)                     // n x d_k, m x d_k
        return HeadGradients(headOut: dHeadOut, weights: dWeights, masked: dMasked, scaled: dScaled,
                             scores: dScores, Q: dQ, K: dK, V: dV)
    }

    // MARK: One function a stage, each the backward twin of a forward stage

    /// Forward `output = concat W_O + b_O` (n x d_out). Backward:
    /// dL/dconcat = dL/doutput W_Oᵀ (n x h·d_v), dL/dW_O = concatᵀ dL/doutput (h·d_v x d_out),
    /// dL/db_O = Σ_rows dL/doutput (b_O is added to every row).
    public static func output(_ dOutput: Matrix, concat: Matrix, W_O: Matrix, _ kernels: Kernels) throws -> (Matrix, Matrix, [Double]) {
        let dConcat = try kernels.multiplyTransposed(dOutput, W_O, operation: "dL/doutput W_Oᵀ")
        let dW_O = try kernels.multiplyTransposingLeft(concat, dOutput, operation: "concatᵀ dL/doutput")
        return (dConcat, dW_O, dOutput.columnSums)
    }

    /// Forward `concat[:, block i] = g_i head_out_i`. Backward: dL/dhead_out_i = g_i dL/dconcat
    /// [:, block i] (n x d_v), and dL/dg_i = Σ_rc dL/dconcat[r][block i + c] head_out_i[r][c],
    /// how much the loss changes per unit of the head's gate.
    public static func concat(_ dConcat: Matrix, head i: Int, dV: Int, headOut: Matrix, gate: Double) throws -> (dHeadOut: Matrix, dGate: Double) {
        let block = try dConcat.columns(i * dV..<(i + 1) * dV)
        return (block.scaled(by: gate), try block.innerProduct(headOut, operation: "dL/dg_\(i + 1)"))
    }

    /// Forward `head_out = weights V` (n x d_v). Backward: dL/dweights = dL/dhead_out Vᵀ
    /// (n x m), dL/dV = weightsᵀ dL/dhead_out (m x d_v).
    static func headOut(_ dHeadOut: Matrix, weights: Matrix, V: Matrix, _ kernels: Kernels) throws -> (Matrix, Matrix) {
        let dWeights = try kernels.multiplyTransposed(dHeadOut, V, operation: "dL/dhead_out Vᵀ")
        let dV = try kernels.multiplyTransposingLeft(weights, dHeadOut, operation: "weightsᵀ dL/dhead_out")
        return (dWeights, dV)
    }

    /// Forward `weights = softmax(masked)` row by row. Backward, the softmax's Jacobian-vector
    /// product: dL/dmasked = w ⊙ (g - rowsum(g ⊙ w)) with g = dL/dweights
    /// (`Matrix.softmaxRowsBackward`).
    static func weights(_ dWeights: Matrix, weights: Matrix) throws -> Matrix {
        try weights.softmaxRowsBackward(dWeights)
    }

    /// Forward `masked = (scaled + bias) / T`, with blocked pairs replaced by -infinity.
    /// Backward: dL/dscaled = dL/dmasked / T on unblocked pairs (unchanged when T = 1); the bias
    /// is a constant, so it changes nothing here and gets no gradient; a blocked pair's -infinity
    /// is a constant too, so its scaled score gets 0.
    static func masked(_ dMasked: Matrix, blocked: Mask, temperature: Double) throws -> Matrix {
        let open = try dMasked.maskedFill(blocked, with: 0)
        return temperature == 1 ? open : open.divided(by: temperature)
    }

    /// Forward `scaled = scores / sqrt(d_k)` (times 1 with scaling off). Backward:
    /// dL/dscores = dL/dscaled / sqrt(d_k).
    static func scaled(_ dScaled: Matrix, scale: Double) -> Matrix {
        dScaled.scaled(by: scale)
    }

    /// Forward `scores = Q Kᵀ` (n x m). Backward: dL/dQ = dL/dscores K (n x d_k),
    /// dL/dK = dL/dscoresᵀ Q (m x d_k): a query moves toward the keys whose scores should rise.
    static func scores(_ dScores: Matrix, Q: Matrix, K: Matrix, _ kernels: Kernels) throws -> (Matrix, Matrix) {
        let dQ = try kernels.multiply(dScores, K, operation: "dL/dscores K")
        let dK = try kernels.multiplyTransposingLeft(dScores, Q, operation: "dL/dscoresᵀ Q")
        return (dQ, dK)
    }

    /// Forward `P = X W + b` for P = Q, K or V (n x h·d). Backward: dL/dW = Xᵀ dL/dP
    /// (d_model x h·d), dL/db = Σ_rows dL/dP, and this projection's share of dL/dX, dL/dP Wᵀ.
    public static func projection(_ dP: Matrix, X: Matrix, W: Matrix, name: String, _ kernels: Kernels) throws -> (Matrix, [Double], Matrix) {
        let dW = try kernels.multiplyTransposingLeft(X, dP, operation: "Xᵀ dL/d\(name)")
        let dX = try kernels.multiplyTransposed(dP, W, operation: "dL/d\(name) W_\(name)ᵀ")
        return (dW, dP.columnSums, dX)
    }
}

extension Trace {
    /// This trace with the rows of queries that see no key (NaN in the forward pass) read as
    /// zeros in weights, head_out and concat: in the backward pass such a row depends on
    /// nothing and passes nothing on.
    var withoutUndefinedRows: (heads: [HeadTrace], concat: Matrix?) {
        guard !fullyBlockedRows.isEmpty else { return (heads, concat) }
        let heads = self.heads.map { h in
            HeadTrace(Q: h.Q, K: h.K, V: h.V, scores: h.scores, scaled: h.scaled, masked: h.masked,
                      weights: withUndefinedRowsAsZero(h.weights), headOut: withUndefinedRowsAsZero(h.headOut))
        }
        return (heads, concat.map(withUndefinedRowsAsZero))
    }
}
