import Attention
import Encoder
import Testing

/// Weights that do not fit the configuration, and inputs the encoder cannot take: each is an
/// `EncoderError` that names what is wrong.
@Suite("Encoder errors")
struct BertEncoderErrorTests {
    private func loadError(_ tensors: [String: (shape: [Int], values: [Double])],
                           configuration: EncoderConfiguration = TinyBert.configuration) -> EncoderError? {
        do {
            _ = try BertEncoder(configuration: configuration, tensors: tensors)
            return nil
        } catch {
            return error as? EncoderError
        }
    }

    @Test func wrongShapeNamesTheTensor() throws {
        var tensors = TinyBert.tensors
        let name = "encoder.layer.1.attention.self.query.weight"
        tensors[name] = ([16, 8], Array(repeating: 0, count: 128))
        let error = try #require(loadError(tensors))
        #expect(error == .wrongShape(name: name, shape: [16, 8], expected: [16, 16], meaning: "hidden_size x hidden_size"))
        #expect(error.description.contains(name) && error.description.contains("[16, 8]")
                && error.description.contains("[16, 16]"))
    }

    @Test func transposedFeedForwardWeightIsCaught() throws {
        var tensors = TinyBert.tensors
        let name = "encoder.layer.0.intermediate.dense.weight"
        tensors[name] = ([16, 32], tensors[name]!.values)
        #expect(loadError(tensors) == .wrongShape(name: name, shape: [16, 32], expected: [32, 16],
                                                  meaning: "intermediate_size x hidden_size"))
    }

    @Test func configurationThatDoesNotFitTheWeights() throws {
        let wider = try EncoderConfiguration(hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 64,
                                             maxPositions: 32, vocabSize: 60)
        #expect(loadError(TinyBert.tensors, configuration: wider) == .wrongShape(
            name: "encoder.layer.0.intermediate.dense.weight", shape: [32, 16], expected: [64, 16],
            meaning: "intermediate_size x hidden_size"))
        let bigger = try EncoderConfiguration(hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32,
                                              maxPositions: 32, vocabSize: 61)
        #expect(loadError(TinyBert.tensors, configuration: bigger)?.description.contains("vocab_size x hidden_size") == true)
        let deeper = try EncoderConfiguration(hiddenSize: 16, layers: 3, heads: 2, intermediateSize: 32,
                                              maxPositions: 32, vocabSize: 60)
        #expect(loadError(TinyBert.tensors, configuration: deeper) == .missingTensor(name: "encoder.layer.2.attention.self.query.weight"))
    }

    @Test func missingTensorAndWrongValueCount() throws {
        var tensors = TinyBert.tensors
        tensors["embeddings.LayerNorm.bias"] = nil
        #expect(loadError(tensors) == .missingTensor(name: "embeddings.LayerNorm.bias"))
        tensors = TinyBert.tensors
        tensors["encoder.layer.0.output.dense.bias"] = ([16], [1, 2, 3])
        #expect(loadError(tensors) == .wrongValueCount(name: "encoder.layer.0.output.dense.bias", shape: [16], count: 3))
    }

    @Test func idsTheModelCannotTake() {
        let encoder = TinyBert.encoder
        #expect(throws: EncoderError.tokenOutOfRange(id: 60, position: 1, vocabSize: 60)) { try encoder.run(ids: [2, 60, 3]) }
        #expect(throws: EncoderError.tokenOutOfRange(id: -1, position: 0, vocabSize: 60)) { try encoder.run(ids: [-1]) }
        #expect(throws: EncoderError.noTokens) { try encoder.run(ids: []) }
        #expect(throws: EncoderError.tooManyTokens(count: 33, maxPositions: 32)) {
            try encoder.run(ids: Array(repeating: 5, count: 33))
        }
        #expect(EncoderError.tokenOutOfRange(id: 60, position: 1, vocabSize: 60).description
                == "token id 60 at position 1 is outside the vocabulary (ids 0 to 59)")
    }

    @Test func impossibleConfigurations() {
        #expect(throws: EncoderError.self) {
            try EncoderConfiguration(hiddenSize: 16, layers: 2, heads: 3, intermediateSize: 32, maxPositions: 32, vocabSize: 60)
        }
        #expect(throws: EncoderError.self) {
            try EncoderConfiguration(hiddenSize: 16, layers: 0, heads: 2, intermediateSize: 32, maxPositions: 32, vocabSize: 60)
        }
        #expect(throws: EncoderError.self) {
            try EncoderConfiguration(hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, maxPositions: 32,
                                     vocabSize: 60, layerNormEps: 0)
        }
    }
}
