/// A task a tiny attention model can learn: at each position, readouts that name tokens from
/// earlier in the sequence. Each needs attention to particular positions, so which heads learn
/// what can be watched. The raw values are the names typed at the prompt (contract).
public enum TrainingTask: String, CaseIterable, Sendable {
    /// Two readouts at each position t ≥ 2: token t-1 and token t-2.
    case previousTwo = "previous-two"
    /// Two readouts at each position t ≥ 1: token t-1 and token 0.
    case previousAndFirst = "previous-and-first"
    /// One readout at each position t ≥ 1: (token t-1 + token 0) mod V.
    case modSum = "mod-sum"

    /// How many readouts (targets) each position has.
    public var readouts: Int { self == .modSum ? 1 : 2 }

    /// What each readout asks for, for the learner.
    public var readoutNames: [String] {
        switch self {
        case .previousTwo: return ["token t-1", "token t-2"]
        case .previousAndFirst: return ["token t-1", "token 0"]
        case .modSum: return ["(token t-1 + token 0) mod V"]
        }
    }

    /// The first position that is scored: earlier ones lack the tokens their targets name.
    public var firstScored: Int { self == .previousTwo ? 2 : 1 }

    /// The shortest sequence the task makes sense for: at least one scored position.
    public var minimumLength: Int { firstScored + 1 }

    /// The target of `readout` at position `t` of `tokens` (t ≥ `firstScored`).
    public func target(_ readout: Int, at t: Int, in tokens: [Int], vocab: Int) -> Int {
        switch (self, readout) {
        case (.previousTwo, 0), (.previousAndFirst, 0): return tokens[t - 1]
        case (.previousTwo, _): return tokens[t - 2]
        case (.previousAndFirst, _): return tokens[0]
        case (.modSum, _): return (tokens[t - 1] + tokens[0]) % vocab
        }
    }

    /// A one-line description.
    public var summary: String {
        switch self {
        case .previousTwo: return "at each position t ≥ 2, name token t-1 and token t-2"
        case .previousAndFirst: return "at each position t ≥ 1, name token t-1 and token 0"
        case .modSum: return "at each position t ≥ 1, name (token t-1 + token 0) mod V"
        }
    }
}
