/// One head's two circuits, the products of its weights that say what it does independently
/// of any input (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits"):
///
/// - `qk = W_Q^h W_K^hᵀ` (d_model x d_model): the bilinear form that scores a query token
///   against a key token. Without biases, `scores[i][j] = X[i] qk X[j]ᵀ`, so the pattern the
///   head can express is fixed by this one matrix; its rank is at most d_k, the head's width
///   (the "low-rank bottleneck" of Bhojanapalli et al. 2020).
/// - `ov = W_V^h W_O^h` (d_model x d_out): what the head writes to the output for each token
///   it reads. A token's row of `X ov`, times its weight, is that token's share of the head's
///   contribution to the output (without biases); its rank is at most d_v.
///
/// Singular values come largest first; the rank is NumPy's `matrix_rank` of the product.
public struct HeadCircuit: Equatable, Sendable {
    /// The head, 0-based.
    public let head: Int
    public let dK: Int
    public let dV: Int
    public let qk: Matrix
    public let ov: Matrix
    public let qkSingularValues: [Double]
    public let ovSingularValues: [Double]

    public var qkRank: Int { Matrix.numericalRank(qkSingularValues, rows: qk.rows, cols: qk.cols) }
    public var ovRank: Int { Matrix.numericalRank(ovSingularValues, rows: ov.rows, cols: ov.cols) }

    /// Head `head` (0-based) of the layer `c`, whose shapes are checked first.
    public init(_ c: MultiHeadConfiguration, head: Int) throws {
        let dims = try LayerDimensions(c)
        guard (0..<c.heads).contains(head) else {
            throw AttentionError.invalid("there is no head \(head + 1): the layer has \(c.heads) (1 to \(c.heads))")
        }
        let (dK, dV) = (dims.dK, dims.dV)
        let queries = try c.W_Q.columns(head * dK..<(head + 1) * dK)     // d_model x d_k
        let keys = try c.W_K.columns(head * dK..<(head + 1) * dK)        // d_model x d_k
        let values = try c.W_V.columns(head * dV..<(head + 1) * dV)      // d_model x d_v
        let outputs = try c.W_O.rows(head * dV..<(head + 1) * dV)        // d_v x d_out
        self.head = head
        (self.dK, self.dV) = (dK, dV)
        qk = try queries.multiplied(by: keys.transposed, operation: "W_Q W_Kᵀ")
        ov = try values.multiplied(by: outputs, operation: "W_V W_O")
        qkSingularValues = try Matrix.singularValues(ofProduct: queries, transposing: keys)
        ovSingularValues = try Matrix.singularValues(ofProduct: values, transposing: outputs.transposed)
    }
}
