/// Every intermediate tensor of one head, in the order they are computed.
/// Shapes: n queries, m keys.
public struct HeadTrace: Equatable, Sendable {
    /// n x d_k: this head's queries, `X W_Q^i + b_Q^i` (or the given Q in direct mode).
    public let Q: Matrix
    /// m x d_k: this head's keys.
    public let K: Matrix
    /// m x d_v: this head's values.
    public let V: Matrix
    /// n x m: `Q Kᵀ`, how well each query matches each key.
    public let scores: Matrix
    /// n x m: `Q Kᵀ / sqrt(d_k)`.
    public let scaled: Matrix
    /// n x m: what the softmax sees, `(scaled + bias) / T` with blocked pairs set to -infinity
    /// (`scaled` itself, masked, when there is no bias and T = 1).
    public let masked: Matrix
    /// n x m: row-wise softmax of `masked`; each row sums to 1 (NaN for a fully blocked row).
    public let weights: Matrix
    /// n x d_v: `weights V`, each query's weighted average of the value rows.
    public let headOut: Matrix

    public init(Q: Matrix, K: Matrix, V: Matrix, scores: Matrix, scaled: Matrix, masked: Matrix,
                weights: Matrix, headOut: Matrix) {
        self.Q = Q
        self.K = K
        self.V = V
        self.scores = scores
        self.scaled = scaled
        self.masked = masked
        self.weights = weights
        self.headOut = headOut
    }
}

/// The whole computation for one configuration: every stage of every head, the concatenation
/// and the output. Computed at once by `Trace.compute(_:)`; stepping through stages is a cursor
/// over this value, never a second implementation of the maths.
public struct Trace: Equatable, Sendable {
    public let configuration: AttentionConfiguration
    /// One entry per head (one in direct mode).
    public let heads: [HeadTrace]
    /// n x (h * d_v): `Concat(head_1, ..., head_h)`; nil in direct mode.
    public let concat: Matrix?
    /// The layer's result: `concat W_O + b_O` (n x d_out); in direct mode, the head output.
    public let output: Matrix
    /// Queries x keys: the pairs blocked by the mask and the key padding together.
    public let blocked: Mask
    /// Query rows with every key blocked. Following PyTorch, their weights, head outputs and
    /// output rows are NaN (softmax of a row of -infinity is 0 / 0). Recorded here so the
    /// learner can be told why instead of being shown a silent NaN.
    public let fullyBlockedRows: [Int]
    /// Width of each head's queries and keys.
    public let dK: Int
    /// Width of each head's values.
    public let dV: Int

    /// Number of queries.
    public var n: Int { blocked.rows }
    /// Number of keys.
    public var m: Int { blocked.cols }
    /// The factor applied to the scores: 1 / sqrt(d_k), or 1 with scaling off.
    public var scale: Double { scaling ? 1 / Double(dK).squareRoot() : 1 }
    /// Whether the scores were divided by sqrt(d_k) (always, unless switched off to show why).
    public var scaling: Bool {
        switch configuration {
        case let .multiHead(c): return c.scaling
        case let .direct(c): return c.scaling
        }
    }
    /// The bias added to the scaled scores and the temperature dividing them.
    public var shaping: ScoreShaping {
        switch configuration {
        case let .multiHead(c): return c.shaping
        case let .direct(c): return c.shaping
        }
    }
    /// Head `head`'s gate (0-based): 0 when pruned, 1 when untouched.
    public func gate(_ head: Int) -> Double {
        if case let .multiHead(c) = configuration { return c.gates[head] ?? 1 }
        return 1
    }

    /// `matrix` (weights, head_out, concat or output) with the rows of queries that see no key,
    /// NaN in the forward pass, read as zeros: how the backward pass treats them, taking part in
    /// nothing.
    public func withUndefinedRowsAsZero(_ matrix: Matrix) -> Matrix {
        var result = matrix
        for row in fullyBlockedRows { for col in 0..<matrix.cols { result[row, col] = 0 } }
        return result
    }

    public var isDirect: Bool {
        if case .direct = configuration { return true }
        return false
    }

    /// The tensor of `stage` for `head` (0-based; ignored by stages that are not per head).
    /// nil when the stage does not exist in this mode (X and concat in direct mode).
    public func tensor(_ stage: Stage, head: Int = 0) -> Matrix? {
        switch stage {
        case .X:
            if case let .multiHead(config) = configuration { return config.X }
            return nil
        case .Q: return heads[head].Q
        case .K: return heads[head].K
        case .V: return heads[head].V
        case .scores: return heads[head].scores
        case .scaled: return heads[head].scaled
        case .masked: return heads[head].masked
        case .weights: return heads[head].weights
        case .head_out: return heads[head].headOut
        case .concat: return concat
        case .output: return output
        }
    }
}
