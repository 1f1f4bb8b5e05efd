/// Parameters and floating-point operations of one multi-head attention layer, stage by
/// stage, for n tokens (queries = keys = n), model width d_model, h heads of width d_k
/// (d_v = d_k), with biases.
///
/// FLOPs count a multiply-add as 2 (an (a x b)(b x c) product costs 2abc) and a bias as one
/// addition per element; scaling costs one division per score; the softmax 4 per score
/// (subtracting the maximum, the exponential, the sum, the division). Masking is a fill and
/// concatenation a copy: no arithmetic.
public struct LayerCost: Equatable, Sendable {
    public struct Stage: Equatable, Sendable {
        public let name: String
        public let formula: String
        public let parameters: Int
        public let flops: Int
    }

    public let n: Int
    public let dModel: Int
    public let heads: Int
    public let dK: Int
    public let stages: [Stage]

    public init(n: Int, dModel: Int, heads: Int, dK: Int) {
        self.n = n
        self.dModel = dModel
        self.heads = heads
        self.dK = dK
        let width = heads * dK   // h * d_k, the width of Q, K, V and of the concatenation
        let scores = heads * n * n
        stages = [
            Stage(name: "Q, K, V projections", formula: "3 (X W + b): 3 x 2·n·d_model·h·d_k",
                  parameters: 3 * (dModel * width + width), flops: 3 * (2 * n * dModel * width + n * width)),
            Stage(name: "scores", formula: "Q_i K_iᵀ per head: h x 2·n·n·d_k", parameters: 0, flops: 2 * scores * dK),
            Stage(name: "scaled", formula: "one division per score: h·n·n", parameters: 0, flops: scores),
            Stage(name: "masked", formula: "a fill, no arithmetic", parameters: 0, flops: 0),
            Stage(name: "weights", formula: "softmax, about 4 per score: h·n·n·4", parameters: 0, flops: 4 * scores),
            Stage(name: "head_out", formula: "weights_i V_i per head: h x 2·n·n·d_v", parameters: 0, flops: 2 * scores * dK),
            Stage(name: "concat", formula: "placing heads side by side", parameters: 0, flops: 0),
            Stage(name: "output", formula: "concat W_O + b_O: 2·n·h·d_v·d_model", parameters: width * dModel + dModel,
                  flops: 2 * n * width * dModel + n * dModel),
        ]
    }

    public var parameters: Int { stages.reduce(0) { $0 + $1.parameters } }
    public var flops: Int { stages.reduce(0) { $0 + $1.flops } }
}
