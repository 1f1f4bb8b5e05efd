import Attention

/// The stops of the walk through attention, in order. Each step shows one or more stages of
/// the trace; `step`, `back` and `goto` move a cursor over this list.
public enum Step: String, CaseIterable, Sendable {
    case input, projection, scores, scaled, masked, weights, head_out, concat, output

    /// The steps of a mode: direct mode has no projection, concat or W_O, and its output is
    /// the head output.
    public static func all(direct: Bool) -> [Step] {
        direct ? [.input, .scores, .scaled, .masked, .weights, .head_out] : allCases
    }

    /// The step that shows `stage`.
    public init(showing stage: Stage, direct: Bool) {
        switch stage {
        case .X: self = .input
        case .Q, .K, .V: self = direct ? .input : .projection
        case .scores: self = .scores
        case .scaled: self = .scaled
        case .masked: self = .masked
        case .weights: self = .weights
        case .head_out: self = .head_out
        case .concat: self = .concat
        case .output: self = direct ? .head_out : .output
        }
    }

    /// The tensors this step displays.
    public func stages(direct: Bool) -> [Stage] {
        switch self {
        case .input: return direct ? [.Q, .K, .V] : [.X]
        case .projection: return [.Q, .K, .V]
        case .scores: return [.scores]
        case .scaled: return [.scaled]
        case .masked: return [.masked]
        case .weights: return [.weights]
        case .head_out: return [.head_out]
        case .concat: return [.concat]
        case .output: return [.output]
        }
    }

    public var title: String {
        switch self {
        case .input: return "Input"
        case .projection: return "Projection into queries, keys and values"
        case .scores: return "Scores: how well each query matches each key"
        case .scaled: return "Scaling by 1/sqrt(d_k)"
        case .masked: return "Masking"
        case .weights: return "Softmax: attention weights"
        case .head_out: return "Head outputs: weighted sums of values"
        case .concat: return "Concatenation of the heads"
        case .output: return "Output projection W_O"
        }
    }

    /// A one-line reminder of what the step does, for `where`; `shaped` when a bias or a
    /// temperature acts on the scores.
    public func summary(direct: Bool, shaped: Bool = false) -> String {
        switch self {
        case .input: return direct ? "the given queries, keys and values" : "the token vectors going in"
        case .projection: return "each head projects X into its own Q, K, V"
        case .scores: return "dot products Q Kᵀ"
        case .scaled: return "divide by sqrt(d_k)"
        case .masked: return shaped ? "the bias is added, T divides, blocked pairs become -inf" : "blocked pairs become -inf"
        case .weights: return "softmax turns each row into weights summing to 1"
        case .head_out: return direct ? "each query's weighted average of the values: the output" : "each query's weighted average of the values"
        case .concat: return "heads side by side"
        case .output: return "W_O mixes the heads"
        }
    }
}
