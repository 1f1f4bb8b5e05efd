import Attention

/// A pretrained BERT-family encoder (BertModel without its pooler), computed in double precision:
/// embeddings, then each layer's self-attention (the session's own `Trace`), residual and
/// LayerNorm, feed-forward block with GELU, residual and LayerNorm; and the sentence embedding.
/// Pure: the weights come in as named tensors and nothing is read or printed here.
public struct BertEncoder: Sendable {
    public let configuration: EncoderConfiguration
    public let embeddings: EncoderEmbeddings
    /// One entry per layer, first to last.
    public let layers: [EncoderLayerWeights]

    /// The encoder from tensors named as in Hugging Face's `BertModel` state dict
    /// (`embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`, ...),
    /// with or without the `bert.` prefix of the task models built on it. Shapes are PyTorch's:
    /// a Linear weight is out x in and is transposed here into the session's in x out.
    ///
    /// Every shape is checked against `configuration`; a missing tensor or a wrong shape throws
    /// `EncoderError` naming the tensor, its shape and the expected one. Tensors not needed are
    /// ignored (`embeddings.position_ids`, `pooler.*`, a task model's heads); old checkpoints'
    /// LayerNorm names `gamma` and `beta` are read as `weight` and `bias`, as transformers does.
    ///
    /// The tensors are consumed: each is released once converted, so that with no other copy
    /// (pass `consume tensors`) the weights are never held twice. A reader that converted each
    /// Linear weight (`isLinearWeight`) straight into its transpose, in x out, says so with
    /// `linearWeightsTransposed` (their shapes are still given as stored, out x in): then no
    /// weight is copied at all.
    public init(configuration: EncoderConfiguration, tensors: consuming [String: (shape: [Int], values: [Double])],
                linearWeightsTransposed: Bool = false) throws {
        var weights = WeightReader(consume tensors, linearWeightsTransposed: linearWeightsTransposed)
        let (d, ffn) = (configuration.hiddenSize, configuration.intermediateSize)
        let c = configuration

        embeddings = EncoderEmbeddings(
            word: try weights.matrix("embeddings.word_embeddings.weight", c.vocabSize, d, meaning: "vocab_size x hidden_size"),
            position: try weights.matrix("embeddings.position_embeddings.weight", c.maxPositions, d,
                                         meaning: "max_position_embeddings x hidden_size"),
            tokenType: try weights.matrix("embeddings.token_type_embeddings.weight", c.typeVocabSize, d,
                                          meaning: "type_vocab_size x hidden_size"),
            normGamma: try weights.layerNorm("embeddings.LayerNorm", "weight", d),
            normBeta: try weights.layerNorm("embeddings.LayerNorm", "bias", d))

        layers = try (0..<configuration.layers).map { index in
            let layer = "encoder.layer.\(index)"
            let linear = Self.linearLayers
            let query = try weights.linear("\(layer).\(linear.query)", inputs: d, outputs: d, "hidden_size", "hidden_size")
            let key = try weights.linear("\(layer).\(linear.key)", inputs: d, outputs: d, "hidden_size", "hidden_size")
            let value = try weights.linear("\(layer).\(linear.value)", inputs: d, outputs: d, "hidden_size", "hidden_size")
            let output = try weights.linear("\(layer).\(linear.output)", inputs: d, outputs: d, "hidden_size", "hidden_size")
            let ffnIn = try weights.linear("\(layer).\(linear.ffnIn)", inputs: d, outputs: ffn, "hidden_size", "intermediate_size")
            let ffnOut = try weights.linear("\(layer).\(linear.ffnOut)", inputs: ffn, outputs: d, "intermediate_size", "hidden_size")
            return EncoderLayerWeights(
                heads: c.heads, layerNormEps: c.layerNormEps,
                W_Q: query.W, W_K: key.W, W_V: value.W, W_O: output.W,
                b_Q: query.b, b_K: key.b, b_V: value.b, b_O: output.b,
                attentionNormGamma: try weights.layerNorm("\(layer).attention.output.LayerNorm", "weight", d),
                attentionNormBeta: try weights.layerNorm("\(layer).attention.output.LayerNorm", "bias", d),
                W_in: ffnIn.W, b_in: ffnIn.b, W_out: ffnOut.W, b_out: ffnOut.b,
                outputNormGamma: try weights.layerNorm("\(layer).output.LayerNorm", "weight", d),
                outputNormBeta: try weights.layerNorm("\(layer).output.LayerNorm", "bias", d))
        }
        self.configuration = configuration
    }

    /// The Linear layers of each encoder layer, by their names within `encoder.layer.N`.
    static let linearLayers = (query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
                               output: "attention.output.dense", ffnIn: "intermediate.dense", ffnOut: "output.dense")

    /// Whether the tensor `name` (as stored, with or without the `bert.` prefix) is the weight
    /// of one of those Linear layers: what a reader converts into its transpose for
    /// `linearWeightsTransposed`.
    public static func isLinearWeight(_ name: String) -> Bool {
        let l = linearLayers
        guard name.hasPrefix("encoder.layer.") || name.hasPrefix("bert.encoder.layer.") else { return false }
        return [l.query, l.key, l.value, l.output, l.ffnIn, l.ffnOut].contains { name.hasSuffix(".\($0).weight") }
    }
}
