import Attention

/// dL/d(each stage) of one head, for a loss L on the layer's output. Shapes are those of the
/// forward tensors they belong to (n queries, m keys).
public struct HeadGradients: Equatable, Sendable {
    /// n x d_v: dL/dhead_out_i.
    public let headOut: Matrix
    /// n x m: dL/dweights_i.
    public let weights: Matrix
    /// n x m: dL/dmasked_i, through the softmax.
    public let masked: Matrix
    /// n x m: dL/dscaled_i (zero where the pair is blocked).
    public let scaled: Matrix
    /// n x m: dL/dscores_i.
    public let scores: Matrix
    /// n x d_k: dL/dQ_i.
    public let Q: Matrix
    /// m x d_k: dL/dK_i.
    public let K: Matrix
    /// m x d_v: dL/dV_i.
    public let V: Matrix

    public init(headOut: Matrix, weights: Matrix, masked: Matrix, scaled: Matrix, scores: Matrix,
                Q: Matrix, K: Matrix, V: Matrix) {
        self.headOut = headOut
        self.weights = weights
        self.masked = masked
        self.scaled = scaled
        self.scores = scores
        self.Q = Q
        self.K = K
        self.V = V
    }
}

/// The gradients of the layer's parameters and input (multi-head mode only).
public struct LayerGradients: Equatable, Sendable {
    /// n x h·d_v: dL/dconcat.
    public let concat: Matrix
    /// h numbers: dL/dg_i, the gradient with respect to head i's gate at the gates in use. Michel
    /// et al. (2019, "Are Sixteen Heads Really Better than One?") rank heads by its size.
    public let gates: [Double]
    public let W_O: Matrix
    public let b_O: [Double]
    public let W_Q: Matrix
    public let W_K: Matrix
    public let W_V: Matrix
    public let b_Q: [Double]
    public let b_K: [Double]
    public let b_V: [Double]
    /// n x h·d_k: every head's dL/dQ_i side by side, the gradient of the projection X W_Q + b_Q.
    public let Q: Matrix
    /// n x h·d_k: every head's dL/dK_i side by side.
    public let K: Matrix
    /// n x h·d_v: every head's dL/dV_i side by side.
    public let V: Matrix
    /// n x d_model: dL/dX.
    public let X: Matrix

    public init(concat: Matrix, gates: [Double], W_O: Matrix, b_O: [Double], W_Q: Matrix, W_K: Matrix, W_V: Matrix,
                b_Q: [Double], b_K: [Double], b_V: [Double], Q: Matrix, K: Matrix, V: Matrix, X: Matrix) {
        self.concat = concat
        self.gates = gates
        self.W_O = W_O
        self.b_O = b_O
        self.W_Q = W_Q
        self.W_K = W_K
        self.W_V = W_V
        self.b_Q = b_Q
        self.b_K = b_K
        self.b_V = b_V
        self.Q = Q
        self.K = K
        self.V = V
        self.X = X
    }
}

/// The backward pass: for a loss L on the output, dL/d(every stage of every head) and, in
/// multi-head mode, dL/d(every parameter and X). Computed at once from a forward `Trace` by
/// `GradientTrace.compute`; stepping through the backward stages is a cursor over this value.
public struct GradientTrace: Equatable, Sendable {
    /// The forward computation these are the gradients of.
    public let trace: Trace
    /// n x d_out: dL/doutput, where the backward pass starts.
    public let output: Matrix
    /// One entry per head (one in direct mode).
    public let heads: [HeadGradients]
    /// nil in direct mode, which has no projections, W_O or gates.
    public let layer: LayerGradients?

    public init(trace: Trace, output: Matrix, heads: [HeadGradients], layer: LayerGradients?) {
        self.trace = trace
        self.output = output
        self.heads = heads
        self.layer = layer
    }

    /// dL/d`stage` for `head` (0-based; ignored by stages that are not per head). nil where
    /// the stage does not exist in this mode (X and concat in direct mode).
    public func tensor(_ stage: Stage, head: Int = 0) -> Matrix? {
        switch stage {
        case .X: return layer?.X
        case .Q: return heads[head].Q
        case .K: return heads[head].K
        case .V: return heads[head].V
        case .scores: return heads[head].scores
        case .scaled: return heads[head].scaled
        case .masked: return heads[head].masked
        case .weights: return heads[head].weights
        case .head_out: return heads[head].headOut
        case .concat: return layer?.concat
        case .output: return output
        }
    }

    /// dL/d`parameter`: a matrix for weights, a vector (as a 1 x length matrix) for biases.
    /// nil in direct mode.
    public func parameter(_ parameter: Parameter) -> Matrix? {
        guard let layer else { return nil }
        func row(_ vector: [Double]) -> Matrix? { try? Matrix(rows: 1, cols: vector.count, values: vector) }
        switch parameter {
        case .W_Q: return layer.W_Q
        case .W_K: return layer.W_K
        case .W_V: return layer.W_V
        case .W_O: return layer.W_O
        case .b_Q: return row(layer.b_Q)
        case .b_K: return row(layer.b_K)
        case .b_V: return row(layer.b_V)
        case .b_O: return row(layer.b_O)
        }
    }
}
