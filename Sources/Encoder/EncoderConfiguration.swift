/// The sizes of a BERT-family encoder, in the paper's terms where it has them:
/// `hiddenSize` is d_model, `heads` is h, d_k = d_model / h.
///
/// Every size is at least 1 and h divides d_model; `layerNormEps` is positive and finite.
/// An impossible configuration is refused here, before any weight is looked at.
public struct EncoderConfiguration: Equatable, Sendable {
    /// d_model: the width of every token's vector between the layers.
    public let hiddenSize: Int
    /// The number of encoder layers (6 in all-MiniLM-L6-v2).
    public let layers: Int
    /// h, the attention heads in each layer.
    public let heads: Int
    /// The feed-forward block's inner width (4 d_model in BERT).
    public let intermediateSize: Int
    /// The most tokens the position embeddings cover.
    public let maxPositions: Int
    /// The number of token ids.
    public let vocabSize: Int
    /// The number of token types (segments); only type 0 is used here.
    public let typeVocabSize: Int
    /// The epsilon added to the variance in every LayerNorm (1e-12 in BERT).
    public let layerNormEps: Double

    public init(hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int,
                vocabSize: Int, typeVocabSize: Int = 2, layerNormEps: Double = 1e-12) throws {
        let sizes = [("hidden size", hiddenSize), ("layers", layers), ("heads", heads),
                     ("intermediate size", intermediateSize), ("positions", maxPositions),
                     ("vocabulary size", vocabSize), ("token types", typeVocabSize)]
        for (name, value) in sizes where value < 1 {
            throw EncoderError.invalidConfiguration("the encoder's \(name) is \(value); it must be at least 1")
        }
        guard hiddenSize % heads == 0 else {
            throw EncoderError.invalidConfiguration(
                "the hidden size \(hiddenSize) is not divisible by the \(heads) heads: "
                + "each head takes d_k = d_model / h columns")
        }
        guard layerNormEps > 0, layerNormEps.isFinite else {
            throw EncoderError.invalidConfiguration("LayerNorm's epsilon is \(layerNormEps); it must be positive and finite")
        }
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.vocabSize = vocabSize
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
    }

    /// d_k = d_model / h, each head's width.
    public var dK: Int { hiddenSize / heads }
}
