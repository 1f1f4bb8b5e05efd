import Attention

/// The encoder's input embeddings: one learned vector per token id, per position and per token
/// type, added and normalised (`BertEncoder.embed`).
public struct EncoderEmbeddings: Equatable, Sendable {
    /// vocab x d_model: row `id` is token `id`'s vector.
    public let word: Matrix
    /// maxPositions x d_model: row i is added to the i-th token (0-based), which is all the
    /// model knows of word order; attention itself is blind to it.
    public let position: Matrix
    /// typeVocab x d_model: row 0 is added to every token of a single sentence.
    public let tokenType: Matrix
    /// The LayerNorm's gain and shift (length d_model).
    public let normGamma: [Double]
    public let normBeta: [Double]

    public init(word: Matrix, position: Matrix, tokenType: Matrix, normGamma: [Double], normBeta: [Double]) {
        self.word = word
        self.position = position
        self.tokenType = tokenType
        self.normGamma = normGamma
        self.normBeta = normBeta
    }
}
