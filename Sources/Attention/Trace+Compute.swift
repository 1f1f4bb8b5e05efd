extension Trace {
    /// Computes every stage of the configured attention. A pure function: same
    /// configuration, same trace.
    ///
    /// `kernels` chooses how the matrix products are done: the readable `.reference` (the
    /// default) or the blocked SIMD products with the heads in parallel (`Kernels.fast`). The
    /// stages are the same code either way; the numbers agree to the last bits (see `Kernels`).
    ///
    /// Throws `AttentionError` naming the tensor and the shapes when they do not fit, and
    /// `.interrupted` when Ctrl-C stops it part-way (only with `Kernels.interruptibly`).
    public static func compute(_ configuration: AttentionConfiguration, kernels: Kernels = .reference) throws -> Trace {
        switch configuration {
        case let .multiHead(config): return try multiHead(config, kernels)
        case let .direct(config): return try direct(config, kernels)
        }
    }

    /// Multi-head attention, in numbered steps as in the paper:
    /// `MultiHead(X) = Concat(head_1, ..., head_h) W_O + b_O`, with
    /// `head_i = softmax(mask((Q_i K_iᵀ / sqrt(d_k) + bias) / T)) V_i` (no bias and T = 1 in the
    /// paper).
    private static func multiHead(_ c: MultiHeadConfiguration, _ kernels: Kernels) throws -> Trace {
        try Interruption.check(kernels)
        let dims = try LayerDimensions(c)
        let (h, dK, dV) = (c.heads, dims.dK, dims.dV)
        let n = c.X.rows

        // 1. Project every token once for all heads: (n x d_model)(d_model x h*d_k).
        let Q = try project(c.X, c.W_Q, c.b_Q, name: "Q", kernels)       // n x h*d_k
        let K = try project(c.X, c.W_K, c.b_K, name: "K", kernels)       // n x h*d_k
        let V = try project(c.X, c.W_V, c.b_V, name: "V", kernels)       // n x h*d_v

        // 2. The mask, the bias and the temperature are the same for every head: queries x keys,
        //    here n x n.
        let blocked = try combinedMask(c.mask, keyPadding: c.keyPadding, queries: n, keys: n)
        try c.shaping.check(queries: n, keys: n)

        // 3. Each head attends in its own d_k-wide subspace, independently of the others
        //    (which is also why the fast kernels may compute the heads in parallel).
        let heads = try kernels.map(h, multiplyAdds: n * n * (dK + dV)) { i, kernels in
            try Interruption.check(kernels)
            return try attend(
                Q: Q.columns(i * dK..<(i + 1) * dK),             // n x d_k
                K: K.columns(i * dK..<(i + 1) * dK),             // n x d_k
                V: V.columns(i * dV..<(i + 1) * dV),             // n x d_v
                dK: dK, scaling: c.scaling, blocked: blocked, shaping: c.shaping, kernels: kernels)
        }

        // 4. Concatenate the heads side by side (n x h*d_v), each scaled by its gate (1 unless
        //    pruned or gated), and mix them with W_O.
        try Interruption.check(kernels)
        let gated = heads.enumerated().map { i, head in c.gates[i].map { head.headOut.scaled(by: $0) } ?? head.headOut }
        let concat = try Matrix.concatenatedHorizontally(gated)
        var output = try kernels.multiplyByWeight(concat, c.W_O, operation: "concat W_O")   // n x d_out
        if let b_O = c.b_O { output = try output.addingRowVector(b_O, operation: "adding b_O") }

        return Trace(configuration: .multiHead(c), heads: heads, concat: concat, output: output,
                     blocked: blocked, fullyBlockedRows: blocked.fullyBlockedRows, dK: dK, dV: dV)
    }

    /// Scaled dot-product attention of given Q (n x d_k), K (m x d_k), V (m x d_v).
    private static func direct(_ c: DirectConfiguration, _ kernels: Kernels) throws -> Trace {
        try Interruption.check(kernels)
        guard c.K.cols == c.Q.cols else {
            throw AttentionError.invalid(
                "Q is \(c.Q.shape) and K is \(c.K.shape): queries and keys need the same width d_k "
                + "(Q's \(c.Q.cols) columns must equal K's \(c.K.cols))")
        }
        guard c.V.rows == c.K.rows else {
            throw AttentionError.invalid(
                "K is \(c.K.shape) and V is \(c.V.shape): there must be one value row per key "
                + "(V needs \(c.K.rows) rows, it has \(c.V.rows))")
        }
        let blocked = try combinedMask(c.mask, keyPadding: c.keyPadding, queries: c.Q.rows, keys: c.K.rows)
        try c.shaping.check(queries: c.Q.rows, keys: c.K.rows)
        let head = try attend(Q: c.Q, K: c.K, V: c.V, dK: c.Q.cols, scaling: c.scaling, blocked: blocked,
                              shaping: c.shaping, kernels: kernels)
        return Trace(configuration: .direct(c), heads: [head], concat: nil, output: head.headOut,
                     blocked: blocked, fullyBlockedRows: blocked.fullyBlockedRows,
                     dK: c.Q.cols, dV: c.V.cols)
    }

    /// One head: `softmax(mask((Q Kᵀ / sqrt(d_k) + bias) / T)) V` (without the division by
    /// sqrt(d_k) when `scaling` is off, the classic mistake the lessons demonstrate; `shaping`
    /// holds the bias and T, by default none and 1). Public for callers that project many
    /// sequences at once and attend within each (a task model's batch).
    public static func attend(Q: Matrix, K: Matrix, V: Matrix, dK: Int, scaling: Bool, blocked: Mask,
                              shaping: ScoreShaping = ScoreShaping(), kernels: Kernels = .reference) throws -> HeadTrace {
        let scores = try kernels.multiplyTransposed(Q, K, operation: "Q Kᵀ")  // n x m
        // q . k is a sum of d_k products; with unit-variance entries its variance is d_k, so
        // dividing by sqrt(d_k) keeps the scores near unit size and the softmax out of saturation.
        let scaled = scaling ? scores.scaled(by: 1 / Double(dK).squareRoot()) : scores   // n x m
        let shaped = try shaping.applied(to: scaled)                           // n x m
        let masked = try shaped.maskedFill(blocked, with: -.infinity)          // n x m
        let weights = masked.softmaxRows(using: kernels.product)               // n x m
        let headOut = try kernels.multiply(weights, V, operation: "weights V") // n x d_v
        return HeadTrace(Q: Q, K: K, V: V, scores: scores, scaled: scaled, masked: masked,
                         weights: weights, headOut: headOut)
    }

    /// `X W + b`, with an error that names the projection.
    private static func project(_ X: Matrix, _ W: Matrix, _ b: [Double]?, name: String, _ kernels: Kernels) throws -> Matrix {
        let product = try kernels.multiplyByWeight(X, W, operation: "\(name) = X W_\(name)")
        guard let b else { return product }
        return try product.addingRowVector(b, operation: "adding b_\(name) to \(name)")
    }

    /// The attention mask and the key padding as one queries x keys grid.
    static func combinedMask(_ setting: MaskSetting, keyPadding: Set<Int>, queries: Int, keys: Int) throws -> Mask {
        let mask: Mask
        switch setting {
        case .none:
            mask = .open(rows: queries, cols: keys)
        case .causal:
            guard queries == keys else {
                throw AttentionError.invalid(
                    "a causal mask needs as many queries as keys (here \(queries) queries, \(keys) keys); "
                    + "for new tokens over a cache use `mask causal offset \(max(0, keys - queries))` (query i sees keys up to "
                    + "i + \(max(0, keys - queries))), or `mask none`, or give a queries x keys mask")
            }
            mask = .causal(queries)
        case let .causalOffset(offset):
            mask = .causal(queries: queries, keys: keys, offset: offset)
        case let .custom(custom):
            guard custom.shape == Shape(queries, keys) else {
                throw AttentionError.invalid(
                    "the mask is \(custom.shape) but the scores are \(queries) x \(keys) (queries x keys): "
                    + "give a \(queries) x \(keys) mask or `mask none`")
            }
            mask = custom
        }
        if let bad = keyPadding.filter({ $0 < 0 || $0 >= keys }).min() {
            throw AttentionError.invalid(
                "padding blocks key \(bad) but there are only \(keys) keys (0 to \(keys - 1)); "
                + "use `pad none` to clear it")
        }
        return try mask.union(.keyPadding(keyPadding, rows: queries, cols: keys))
    }
}
