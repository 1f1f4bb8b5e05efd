import Attention

/// One encoder layer's weights, in the session's convention `Q = X W_Q` (row vectors): every
/// weight matrix is in x out, the transpose of a PyTorch `Linear` weight (out x in, y = x Wᵀ + b).
///
/// - W_Q, W_K, W_V: d_model x d_model (h heads of d_k = d_model / h columns each); W_O:
///   d_model x d_model (head i's rows are block i). b_Q, b_K, b_V, b_O: length d_model.
/// - W_in: d_model x intermediate, b_in: length intermediate; W_out: intermediate x d_model,
///   b_out: length d_model (the feed-forward block).
/// - The two LayerNorms' gains and shifts (length d_model): after the attention and after the
///   feed-forward block.
public struct EncoderLayerWeights: Equatable, Sendable {
    /// h, the number of heads.
    public let heads: Int
    /// LayerNorm's epsilon.
    public let layerNormEps: Double
    public let W_Q: Matrix
    public let W_K: Matrix
    public let W_V: Matrix
    public let W_O: Matrix
    public let b_Q: [Double]
    public let b_K: [Double]
    public let b_V: [Double]
    public let b_O: [Double]
    public let attentionNormGamma: [Double]
    public let attentionNormBeta: [Double]
    public let W_in: Matrix
    public let b_in: [Double]
    public let W_out: Matrix
    public let b_out: [Double]
    public let outputNormGamma: [Double]
    public let outputNormBeta: [Double]

    public init(heads: Int, layerNormEps: Double,
                W_Q: Matrix, W_K: Matrix, W_V: Matrix, W_O: Matrix,
                b_Q: [Double], b_K: [Double], b_V: [Double], b_O: [Double],
                attentionNormGamma: [Double], attentionNormBeta: [Double],
                W_in: Matrix, b_in: [Double], W_out: Matrix, b_out: [Double],
                outputNormGamma: [Double], outputNormBeta: [Double]) {
        self.heads = heads
        self.layerNormEps = layerNormEps
        self.W_Q = W_Q
        self.W_K = W_K
        self.W_V = W_V
        self.W_O = W_O
        self.b_Q = b_Q
        self.b_K = b_K
        self.b_V = b_V
        self.b_O = b_O
        self.attentionNormGamma = attentionNormGamma
        self.attentionNormBeta = attentionNormBeta
        self.W_in = W_in
        self.b_in = b_in
        self.W_out = W_out
        self.b_out = b_out
        self.outputNormGamma = outputNormGamma
        self.outputNormBeta = outputNormBeta
    }

    /// The layer's self-attention for the tokens X (n x d_model) as the session's multi-head
    /// configuration: h heads, d_k = d_model / h, the four biases, no mask (one unpadded
    /// sentence sees every token). `Trace.compute(.multiHead(...))` of it is exactly the layer's
    /// attention, so the REPL's stepping shows the numbers the encoder uses.
    public func attentionConfiguration(X: Matrix, gates: [Int: Double] = [:]) -> MultiHeadConfiguration {
        var configuration = MultiHeadConfiguration(X: X, heads: heads, W_Q: W_Q, W_K: W_K, W_V: W_V, W_O: W_O,
                                                   b_Q: b_Q, b_K: b_K, b_V: b_V, b_O: b_O, mask: .none)
        configuration.gates = gates
        return configuration
    }

    /// The layer applied to X (n x d_model), in BERT's order (post-LayerNorm):
    ///
    /// 1. `attention = MultiHead(X)`, the session's trace (n x d_model)
    /// 2. `norm = LayerNorm(X + attention)`: the residual connection, then normalisation
    /// 3. `ffnHidden = GELU(norm W_in + b_in)` (n x intermediate)
    /// 4. `ffnOutput = ffnHidden W_out + b_out` (n x d_model)
    /// 5. `output = LayerNorm(norm + ffnOutput)`, the next layer's input
    public func run(_ X: Matrix, gates: [Int: Double] = [:], kernels: Kernels = .reference) throws -> EncoderLayerRun {
        let attention = try Trace.compute(.multiHead(attentionConfiguration(X: X, gates: gates)), kernels: kernels)
        let block = try self.block(X, attention: attention.output, kernels: kernels)
        return EncoderLayerRun(input: X, attention: attention, residual: block.residual, norm: block.norm,
                               ffnHidden: block.ffnHidden, ffnOutput: block.ffnOutput, output: block.output)
    }

    /// Steps 2 to 5 of `run`, the block around the attention, from X and the attention's output
    /// (which may be the session's, with heads pruned).
    public func block(_ X: Matrix, attention: Matrix, kernels: Kernels = .reference) throws
        -> (residual: Matrix, norm: Matrix, ffnHidden: Matrix, ffnOutput: Matrix, output: Matrix) {
        let residual = try X.adding(attention, operation: "X + attention")                          // n x d_model
        let norm = try residual.layerNormalized(gamma: attentionNormGamma, beta: attentionNormBeta,
                                                eps: layerNormEps, operation: "the attention's LayerNorm")
        let ffnHidden = try kernels.multiply(norm, W_in, operation: "norm W_in")                     // n x intermediate
            .addingRowVector(b_in, operation: "adding b_in").gelu
        let ffnOutput = try kernels.multiply(ffnHidden, W_out, operation: "GELU(...) W_out")         // n x d_model
            .addingRowVector(b_out, operation: "adding b_out")
        let output = try norm.adding(ffnOutput, operation: "norm + feed-forward")                    // n x d_model
            .layerNormalized(gamma: outputNormGamma, beta: outputNormBeta, eps: layerNormEps,
                             operation: "the output's LayerNorm")
        return (residual, norm, ffnHidden, ffnOutput, output)
    }
}
