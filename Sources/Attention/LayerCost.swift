/// Parameters and floating-point operations of one multi-head attention layer, stage by
/// stage, for n tokens (queries = keys = n), model width d_model, h heads of width d_k, values
/// of width d_v (d_k unless given), an output of width d_out (d_model unless given), the
/// biases that exist (all four unless given), and whether a bias is added to the scores.
///
/// FLOPs count a multiply-add as 2 (an (a x b)(b x c) product costs 2abc) and a bias as one
/// addition per element; scaling costs one division per score; the softmax 4 per score
/// (subtracting the maximum, the exponential, the sum, the division). Masking is a fill and
/// concatenation a copy: no arithmetic. A bias on the scores (`ScoreShaping`) is one addition
/// per score of every head, counted in the masked stage; it is given, not learned here, so it
/// adds no parameters. The temperature is not counted: (s / sqrt(d_k) + b) / T is
/// s / (sqrt(d_k) T) + b / T, so an implementation folds 1/T into the scaling's one constant and
/// divides the bias once per layer (n·n divisions, not per head: at most a fraction 1/(2·h·d_k)
/// of the scores' FLOPs), where the REPL divides twice only to show each step.
public struct LayerCost: Equatable, Sendable {
    public struct Stage: Equatable, Sendable {
        public let name: String
        public let formula: String
        public let parameters: Int
        public let flops: Int

        /// The row's one-word name, as a lesson's check names it: "projections", "scores", ...
        public var key: String { String(name.split(separator: " ").last!) }
    }

    /// The one-word names of the rows, in order.
    public static let rowKeys = LayerCost(n: 1, dModel: 1, heads: 1, dK: 1).stages.map(\.key)

    public let n: Int
    public let dModel: Int
    public let heads: Int
    public let dK: Int
    public let dV: Int
    public let dOut: Int
    /// Which of b_Q, b_K, b_V, b_O the layer has.
    public let biases: Set<String>
    /// Whether a bias is added to the scores.
    public let scoreBias: Bool
    public let stages: [Stage]

    public static let allBiases: Set<String> = ["b_Q", "b_K", "b_V", "b_O"]

    public init(n: Int, dModel: Int, heads: Int, dK: Int, dV: Int? = nil, dOut: Int? = nil, biases: Set<String> = LayerCost.allBiases,
                scoreBias: Bool = false) {
        let dV = dV ?? dK, dOut = dOut ?? dModel
        (self.n, self.dModel, self.heads, self.dK, self.dV, self.dOut, self.biases) = (n, dModel, heads, dK, dV, dOut, biases)
        self.scoreBias = scoreBias
        let width = heads * dK, values = heads * dV   // the widths of Q and K, and of V and the concatenation
        let scores = heads * n * n
        func bias(_ name: String, _ length: Int) -> Int { biases.contains(name) ? length : 0 }
        let projectionBiases = bias("b_Q", width) + bias("b_K", width) + bias("b_V", values)
        stages = [
            Stage(name: "Q, K, V projections", formula: "X W + b for Q, K (h·d_k wide) and V (h·d_v): 2·n·d_model·(2·h·d_k + h·d_v)",
                  parameters: dModel * (2 * width + values) + projectionBiases,
                  flops: 2 * n * dModel * (2 * width + values) + n * projectionBiases),
            Stage(name: "scores", formula: "Q_i K_iᵀ per head: h x 2·n·n·d_k", parameters: 0, flops: 2 * scores * dK),
            Stage(name: "scaled", formula: "one division per score: h·n·n", parameters: 0, flops: scores),
            scoreBias
                ? Stage(name: "masked", formula: "adding the bias, one addition per score: h·n·n (the mask is a fill)", parameters: 0, flops: scores)
                : Stage(name: "masked", formula: "a fill, no arithmetic", parameters: 0, flops: 0),
            Stage(name: "weights", formula: "softmax, about 4 per score: h·n·n·4", parameters: 0, flops: 4 * scores),
            Stage(name: "head_out", formula: "weights_i V_i per head: h x 2·n·n·d_v", parameters: 0, flops: 2 * scores * dV),
            Stage(name: "concat", formula: "placing heads side by side", parameters: 0, flops: 0),
            Stage(name: "output", formula: "concat W_O + b_O: 2·n·h·d_v·d_out", parameters: values * dOut + bias("b_O", dOut),
                  flops: 2 * n * values * dOut + n * bias("b_O", dOut)),
        ]
    }

    public var parameters: Int { stages.reduce(0) { $0 + $1.parameters } }
    public var flops: Int { stages.reduce(0) { $0 + $1.flops } }
}
