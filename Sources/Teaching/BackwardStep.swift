/// The stops of the walk back through attention, from the loss to the input: the forward
/// steps in reverse, each showing dL/d(its tensors). `backward` (or `step` once in the backward
/// pass), `back` and `goto grad` move a cursor over this list.
public enum BackwardStep: String, CaseIterable, Sendable {
    case output, concat, head_out, weights, masked, scaled, scores, projection, parameters, input

    /// The steps of a mode: direct mode has no W_O, concatenation or projections; its output
    /// is the head output and its inputs are Q, K and V.
    public static func all(direct: Bool) -> [BackwardStep] {
        direct ? [.output, .weights, .masked, .scaled, .scores, .input] : allCases
    }

    /// The step that shows dL/d`name`, for a stage, a parameter or `gates`.
    public init?(showing name: String, direct: Bool) {
        // Direct mode has no X, concatenation, gates or weights of its own to take gradients of.
        if direct, ["X", "concat", "gates", "W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O"].contains(name) { return nil }
        switch name {
        case "output": self = .output
        case "concat", "W_O", "b_O": self = .concat
        case "head_out", "gates": self = direct ? .output : .head_out
        case "weights", "V": self = direct && name == "V" ? .input : .weights
        case "masked": self = .masked
        case "scaled": self = .scaled
        case "scores": self = .scores
        case "Q", "K": self = direct ? .input : .projection
        case "W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V": self = .parameters
        case "X": self = .input
        default:
            guard let step = BackwardStep(rawValue: name) else { return nil }
            self = step
        }
        guard BackwardStep.all(direct: direct).contains(self) else { return nil }
    }

    public func title(direct: Bool, tempered: Bool = false) -> String {
        switch self {
        case .output: return "The loss and dL/doutput"
        case .concat: return "Back through W_O: dL/dconcat, dL/dW_O, dL/db_O"
        case .head_out: return "Back to each head: dL/dhead_out and the gates"
        case .weights: return "Back through the weighted sum: dL/dweights and dL/dV"
        case .masked: return "Back through the softmax: dL/dmasked"
        case .scaled: return tempered ? "Back through the mask and the temperature: dL/dscaled" : "Back through the mask: dL/dscaled"
        case .scores: return "Back through the scaling: dL/dscores"
        case .projection: return "Back through Q Kᵀ: dL/dQ and dL/dK"
        case .parameters: return "The projection weights: dL/dW_Q, dL/dW_K, dL/dW_V"
        case .input: return direct ? "The given queries, keys and values: dL/dQ, dL/dK, dL/dV" : "The input: dL/dX"
        }
    }

    /// A one-line reminder of what the step does, for `where`; `tempered` when a temperature
    /// other than 1 divides the scores.
    public func summary(direct: Bool, tempered: Bool = false) -> String {
        switch self {
        case .output: return "how the loss changes with each output number"
        case .concat: return "W_Oᵀ carries the gradient back to the heads' columns"
        case .head_out: return "each head gets its block, times its gate"
        case .weights: return "which weights and values the loss wants changed"
        case .masked: return "the softmax turns that into which scores to raise"
        case .scaled: return tempered ? "divided by T; blocked pairs get no gradient" : "blocked pairs get no gradient"
        case .scores: return "back through the 1/sqrt(d_k) scaling"
        case .projection: return "queries and keys pushed toward better matches"
        case .parameters: return "Xᵀ times each projection's gradient"
        case .input: return direct ? "the gradients of the given Q, K and V" : "three paths back to the tokens"
        }
    }
}
