import Attention

extension BertEncoder {
    /// Encodes one sentence of token ids (a single segment, no padding):
    ///
    /// 1. `X_0 = embed(ids)`, n x d_model
    /// 2. `X_l = layer_l(X_(l-1))` for l = 1 ... layers (`EncoderLayerWeights.run`)
    /// 3. the sentence embedding: the mean of X_L's rows, L2-normalised
    ///
    /// `kernels` chooses the matrix products (`Kernels.fast(threads:)` for long inputs); the
    /// numbers agree with the reference kernels to the last few bits. Throws `EncoderError` for
    /// no ids, more ids than positions, or an id outside the vocabulary.
    ///
    /// `gates[l]` gates layer l's heads (0-based layer -> head -> g), as pruning does: head i's
    /// output enters that layer's concatenation as g_i head_i.
    public func run(ids: [Int], gates: [Int: [Int: Double]] = [:], kernels: Kernels = .reference) throws -> EncoderRun {
        let embeddings = try embed(ids)
        var layerRuns: [EncoderLayerRun] = []
        var X = embeddings                                        // n x d_model
        for (index, layer) in layers.enumerated() {
            let run = try layer.run(X, gates: gates[index] ?? [:], kernels: kernels)
            layerRuns.append(run)
            X = run.output
        }
        return EncoderRun(ids: ids, embeddings: embeddings, layers: layerRuns,
                          sentenceEmbedding: Self.meanPooled(X))
    }

    /// The first layer's input, n x d_model: token i's row is
    /// `LayerNorm(word[ids[i]] + tokenType[0] + position[i])` (added in that order, as
    /// transformers does). Throws for no ids, too many, or an id outside the vocabulary.
    public func embed(_ ids: [Int]) throws -> Matrix {
        guard !ids.isEmpty else { throw EncoderError.noTokens }
        guard ids.count <= configuration.maxPositions else {
            throw EncoderError.tooManyTokens(count: ids.count, maxPositions: configuration.maxPositions)
        }
        if let position = ids.firstIndex(where: { !(0..<configuration.vocabSize).contains($0) }) {
            throw EncoderError.tokenOutOfRange(id: ids[position], position: position, vocabSize: configuration.vocabSize)
        }
        let e = embeddings
        let summed = Matrix(rows: ids.count, cols: configuration.hiddenSize) { i, j in   // n x d_model
            (e.word[ids[i], j] + e.tokenType[0, j]) + e.position[i, j]
        }
        return try summed.layerNormalized(gamma: e.normGamma, beta: e.normBeta, eps: configuration.layerNormEps,
                                          operation: "the embeddings' LayerNorm")
    }

    /// sentence-transformers' mean pooling and normalisation: `v = Σ_i X[i] / n`, then
    /// `v / max(|v|, 1e-12)` (the floor keeps a zero vector from dividing by zero, as PyTorch's
    /// `normalize`). Every token counts, [CLS] and [SEP] included.
    static func meanPooled(_ X: Matrix) -> [Double] {
        var mean = X.columnSums.map { $0 / Double(X.rows) }          // length d_model
        let length = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let divisor = max(length, 1e-12)
        for j in mean.indices { mean[j] /= divisor }
        return mean
    }
}
