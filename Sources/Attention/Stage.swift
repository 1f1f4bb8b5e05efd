/// The names of every tensor the learner can look at, in the order the computation makes
/// them. The raw values are the names typed at the prompt and used in lessons (contract).
public enum Stage: String, CaseIterable, Sendable {
    case X, Q, K, V, scores, scaled, masked, weights
    case head_out
    case concat, output

    /// Stages computed once per head (exported as an h x n x ... stack).
    public var isPerHead: Bool {
        switch self {
        case .Q, .K, .V, .scores, .scaled, .masked, .weights, .head_out: return true
        case .X, .concat, .output: return false
        }
    }

    /// Stages with one row per query and one column per key (scores to weights).
    public var isQueriesByKeys: Bool {
        switch self {
        case .scores, .scaled, .masked, .weights: return true
        default: return false
        }
    }

    /// The stages that exist in direct mode, where Q, K and V are given rather than projected.
    public static let direct: [Stage] = [.Q, .K, .V, .scores, .scaled, .masked, .weights, .head_out, .output]
}

/// The learned parameters of a multi-head attention layer (contract names).
public enum Parameter: String, CaseIterable, Sendable {
    case W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O

    public var isBias: Bool { rawValue.hasPrefix("b_") }
}
