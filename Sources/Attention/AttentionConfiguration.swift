/// Everything one attention computation needs. Two modes:
/// - `multiHead`: the full layer, from token vectors X through per-head projections to W_O.
/// - `direct`: plain scaled dot-product attention of given Q, K and V (one head, no W_O).
public enum AttentionConfiguration: Equatable, Sendable {
    case multiHead(MultiHeadConfiguration)
    case direct(DirectConfiguration)
}

/// A multi-head attention layer, in the paper's convention `Q = X W_Q` (row vectors).
///
/// - X: n x d_model, one row per token.
/// - W_Q, W_K: d_model x (h * d_k); head i uses column block i (1-based i in the paper's
///   head_1 ... head_h, 0-based block index i - 1 here).
/// - W_V: d_model x (h * d_v); d_v = W_V.cols / h.
/// - W_O: (h * d_v) x d_out (usually d_out = d_model); head i's rows are block i.
/// - d_k: defaults to d_model / h, which keeps the total work near that of one full-width head.
/// - Biases default to zero: b_Q, b_K (length h * d_k), b_V (h * d_v), b_O (d_out).
public struct MultiHeadConfiguration: Equatable, Sendable {
    public var X: Matrix
    public var heads: Int
    public var dK: Int?
    public var W_Q: Matrix
    public var W_K: Matrix
    public var W_V: Matrix
    public var W_O: Matrix
    public var b_Q: [Double]?
    public var b_K: [Double]?
    public var b_V: [Double]?
    public var b_O: [Double]?
    public var mask: MaskSetting
    /// Key positions blocked for every query (0-based).
    public var keyPadding: Set<Int>
    /// Divide the scores by sqrt(d_k). Off only to show what goes wrong without it.
    public var scaling = true
    /// A bias added to the scaled scores and a temperature dividing them (none and 1: ordinary
    /// attention).
    public var shaping = ScoreShaping()
    /// Head gates (0-based head -> g in [0, 1]): head i's output enters the concatenation as
    /// g_i · head_i, the gated form of head-pruning research. g = 0 prunes the head; heads
    /// not listed have g = 1.
    public var gates: [Int: Double] = [:]

    public init(X: Matrix, heads: Int, dK: Int? = nil,
                W_Q: Matrix, W_K: Matrix, W_V: Matrix, W_O: Matrix,
                b_Q: [Double]? = nil, b_K: [Double]? = nil, b_V: [Double]? = nil, b_O: [Double]? = nil,
                mask: MaskSetting = .none, keyPadding: Set<Int> = []) {
        self.X = X
        self.heads = heads
        self.dK = dK
        self.W_Q = W_Q
        self.W_K = W_K
        self.W_V = W_V
        self.W_O = W_O
        self.b_Q = b_Q
        self.b_K = b_K
        self.b_V = b_V
        self.b_O = b_O
        self.mask = mask
        self.keyPadding = keyPadding
    }
}

/// Scaled dot-product attention of given queries, keys and values:
/// Q is n x d_k, K is m x d_k, V is m x d_v. n and m may differ (cross-attention).
public struct DirectConfiguration: Equatable, Sendable {
    public var Q: Matrix
    public var K: Matrix
    public var V: Matrix
    public var mask: MaskSetting
    public var keyPadding: Set<Int>
    /// Divide the scores by sqrt(d_k). Off only to show what goes wrong without it.
    public var scaling = true
    /// A bias added to the scaled scores and a temperature dividing them (none and 1: ordinary
    /// attention).
    public var shaping = ScoreShaping()

    public init(Q: Matrix, K: Matrix, V: Matrix, mask: MaskSetting = .none, keyPadding: Set<Int> = []) {
        self.Q = Q
        self.K = K
        self.V = V
        self.mask = mask
        self.keyPadding = keyPadding
    }
}
