import Attention
import Teaching

/// Everything the learner has set up: a plain value, so a command can work on a copy and
/// replace the session only when it succeeds (a failing command changes nothing).
public struct Session: Equatable, Sendable {
    /// Row labels for X (or for the queries in direct mode).
    public var tokens: [String] = []
    /// Defined matrices by name: X, W_Q, W_K, W_V, W_O, and Q, K, V for direct mode.
    public var matrices: [String: Matrix] = [:]
    /// Defined biases by name: b_Q, b_K, b_V, b_O.
    public var biases: [String: [Double]] = [:]
    public var heads = 1
    /// d_k when set explicitly; nil means d_model / h.
    public var dK: Int? = nil
    public var mask: MaskSetting = .none
    /// Keys blocked for every query.
    public var padding: Set<Int> = []
    /// Plain scaled dot-product attention of given Q, K, V instead of the full layer.
    public var direct = false
    /// The step last shown; nil before the first `step`.
    public var cursor: Step? = nil
    public var precision = 3
    /// Whether scores are divided by sqrt(d_k); `set scaling off` shows the classic mistake.
    public var scaling = true
    /// `set temperature T`: the scaled scores (plus the bias) are divided by T before the
    /// softmax; 1 is ordinary attention.
    public var temperature = 1.0
    /// `bias = [[...]]`: added to every head's scaled scores (queries x keys); nil is none.
    public var scoreBias: Matrix? = nil
    /// Pruned and gated heads (0-based head -> gate in [0, 1]; 0 = pruned).
    public var gates: [Int: Double] = [:]
    /// What the output should be (n x d_out): the loss is mean((output - target)²).
    public var target: Matrix? = nil
    /// The backward step last shown; set only while walking the backward pass.
    public var backwardCursor: BackwardStep? = nil
    /// The task being learned, when there is one: the layer then shows the trained model on a
    /// held-out sequence.
    public var task: TaskState? = nil
    /// The pretrained model, when one is loaded: the layer then shows its layer `layer` on the
    /// text it last read.
    public var model: ModelSession? = nil
    /// The step of the model's block last shown (after `output`); set only in model mode.
    public var blockCursor: BlockStep? = nil

    public init() {}

    static let layerInputs = ["X", "W_Q", "W_K", "W_V", "W_O"]
    static let directInputs = ["Q", "K", "V"]

    /// The configuration the trace is computed from, or an error listing what is missing.
    public func configuration() throws -> AttentionConfiguration {
        let needed = direct ? Self.directInputs : Self.layerInputs
        let missing = needed.filter { matrices[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.joined(separator: ", ")
            throw UserError("\(list) \(missing.count == 1 ? "is" : "are") not defined yet",
                            hint: direct
                                ? "define them, e.g. \(missing[0]) = random 3x2 seed 1"
                                : "define \(missing.count == 1 ? "it" : "them"), e.g. \(missing[0]) = \(missing[0] == "X" ? "random 3x4 seed 1" : "identity 4"), or type `example` to load the ready example")
        }
        if direct {
            var config = DirectConfiguration(Q: matrices["Q"]!, K: matrices["K"]!, V: matrices["V"]!,
                                             mask: mask, keyPadding: padding)
            config.scaling = scaling
            config.shaping = shaping
            return .direct(config)
        }
        var config = MultiHeadConfiguration(
            X: matrices["X"]!, heads: heads, dK: dK,
            W_Q: matrices["W_Q"]!, W_K: matrices["W_K"]!, W_V: matrices["W_V"]!, W_O: matrices["W_O"]!,
            b_Q: biases["b_Q"], b_K: biases["b_K"], b_V: biases["b_V"], b_O: biases["b_O"],
            mask: mask, keyPadding: padding)
        config.scaling = scaling
        config.shaping = shaping
        config.gates = gates
        return .multiHead(config)
    }

    /// How a layer borrowed from a task's model or a real model is computed, as that model
    /// computes it: d_k = d_model / h, `mask`, no padding, scaling on, no bias, T = 1.
    mutating func borrowLayerSettings(mask: MaskSetting) {
        dK = nil
        self.mask = mask
        padding = []
        scaling = true
        scoreBias = nil
        temperature = 1
    }

    /// The bias and the temperature, as the configuration holds them.
    var shaping: ScoreShaping { ScoreShaping(bias: scoreBias, temperature: temperature) }

    /// The numbers of queries and keys the scores will have, when the inputs that decide them
    /// are defined: X's rows (both) in layer mode, Q's and K's rows in direct mode.
    var scoresShape: Shape? {
        if direct {
            guard let Q = matrices["Q"], let K = matrices["K"] else { return nil }
            return Shape(Q.rows, K.rows)
        }
        return matrices["X"].map { Shape($0.rows, $0.rows) }
    }
}
