import Attention

/// The whole encoder's computation for one sentence of n token ids (`BertEncoder.run`).
public struct EncoderRun: Equatable, Sendable {
    /// The token ids encoded.
    public let ids: [Int]
    /// n x d_model: `LayerNorm(word + position + token type 0)`, the first layer's input.
    public let embeddings: Matrix
    /// One entry per layer, first to last; each layer's `input` is the previous one's `output`.
    public let layers: [EncoderLayerRun]
    /// The sentence's vector as sentence-transformers computes it: the mean over all n tokens
    /// ([CLS] and [SEP] included) of the last layer's output, divided by its Euclidean length.
    public let sentenceEmbedding: [Double]

    public init(ids: [Int], embeddings: Matrix, layers: [EncoderLayerRun], sentenceEmbedding: [Double]) {
        self.ids = ids
        self.embeddings = embeddings
        self.layers = layers
        self.sentenceEmbedding = sentenceEmbedding
    }

    /// n x d_model: the last layer's output (the embeddings when there are no layers).
    public var lastHiddenState: Matrix { layers.last?.output ?? embeddings }

    /// The hidden states as Hugging Face's `output_hidden_states` lists them: the embeddings, then
    /// every layer's output (layers + 1 matrices of n x d_model).
    public var hiddenStates: [Matrix] { [embeddings] + layers.map(\.output) }
}
