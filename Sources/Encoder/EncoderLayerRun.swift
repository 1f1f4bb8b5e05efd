import Attention

/// Every intermediate tensor of one encoder layer for one sentence of n tokens, in the order
/// they are computed (`EncoderLayerWeights.run`).
public struct EncoderLayerRun: Equatable, Sendable {
    /// n x d_model: X, the tokens entering the layer.
    public let input: Matrix
    /// The self-attention's full trace (every stage of every head), computed by the session's own
    /// `Trace.compute` with no mask; `attention.output` is n x d_model.
    public let attention: Trace
    /// n x d_model: `X + attention.output`, the residual connection.
    public let residual: Matrix
    /// n x d_model: `LayerNorm(residual)`.
    public let norm: Matrix
    /// n x intermediate: `GELU(norm W_in + b_in)`.
    public let ffnHidden: Matrix
    /// n x d_model: `ffnHidden W_out + b_out`.
    public let ffnOutput: Matrix
    /// n x d_model: `LayerNorm(norm + ffnOutput)`, the next layer's input.
    public let output: Matrix

    public init(input: Matrix, attention: Trace, residual: Matrix, norm: Matrix, ffnHidden: Matrix,
                ffnOutput: Matrix, output: Matrix) {
        self.input = input
        self.attention = attention
        self.residual = residual
        self.norm = norm
        self.ffnHidden = ffnHidden
        self.ffnOutput = ffnOutput
        self.output = output
    }
}
