import Attention
import Encoder
import Foundation
import ModelFiles
import ReferenceCases
import Testing

/// The tiny random BERT's folder read with the project's own readers, as the REPL will read a model.
enum TinyBert {
    static let tensors: [String: (shape: [Int], values: [Double])] = {
        let file = try! Safetensors.read(TinyBertCase.bytes("model.safetensors"))
        return file.mapValues { ($0.shape, $0.values) }
    }()

    static let configuration: EncoderConfiguration = {
        let config = try! ModelConfig(bytes: TinyBertCase.bytes("config.json"))
        return try! EncoderConfiguration(
            hiddenSize: config.hiddenSize, layers: config.layers, heads: config.heads,
            intermediateSize: config.intermediateSize, maxPositions: config.maxPositions,
            vocabSize: config.vocabSize, typeVocabSize: config.typeVocabSize, layerNormEps: config.layerNormEps)
    }()

    static let encoder = try! BertEncoder(configuration: configuration, tensors: tensors)
    static let cases = (try? TinyBertCase.all()) ?? []
}

/// The largest |a - b| over two matrices of the same shape (infinity when the shapes differ).
func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
}

func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Every layer's attention weights, every hidden state and the sentence embedding, against
/// transformers' BertModel in float64 (bench/make_tiny_bert.py). float64 against float64 with the
/// same float32 weights: the differences are rounding only (at most about 7e-15 here).
@Suite("Tiny BERT against transformers")
struct TinyBertTests {
    /// Attention weights lie in [0, 1]; hidden states are LayerNorm outputs of size about 1.
    static let tolerance = 1e-13

    @Test func fixtureIsPresent() {
        #expect(TinyBert.cases.map(\.ids.count) == [1, 5, 12, 32])
        #expect(TinyBert.encoder.layers.count == 2)
    }

    @Test(arguments: TinyBert.cases)
    func matchesTransformers(_ reference: TinyBertCase) throws {
        let run = try TinyBert.encoder.run(ids: reference.ids)
        #expect(run.layers.count == 2)

        for (layer, (layerRun, expected)) in zip(run.layers, reference.attentions).enumerated() {
            #expect(layerRun.attention.heads.count == expected.count)
            for (head, (trace, weights)) in zip(layerRun.attention.heads, expected).enumerated() {
                let difference = maxDifference(trace.weights, weights)
                #expect(difference <= Self.tolerance, "layer \(layer + 1) head \(head + 1) weights differ by \(difference)")
            }
        }
        #expect(run.hiddenStates.count == reference.hiddenStates.count)
        for (index, (actual, expected)) in zip(run.hiddenStates, reference.hiddenStates).enumerated() {
            let difference = maxDifference(actual, expected)
            #expect(difference <= Self.tolerance, "hidden state \(index) differs by \(difference)")
        }
        let embedding = maxDifference(run.sentenceEmbedding, reference.sentenceEmbedding)
        #expect(embedding <= Self.tolerance, "the sentence embedding differs by \(embedding)")
    }

    /// The fast kernels compute the same layers (in parallel, with fused multiply-adds).
    @Test func fastKernelsAgree() throws {
        let ids = try #require(TinyBert.cases.last).ids
        let reference = try TinyBert.encoder.run(ids: ids)
        let fast = try TinyBert.encoder.run(ids: ids, kernels: .fast(threads: 2))
        for (a, b) in zip(reference.hiddenStates, fast.hiddenStates) { #expect(maxDifference(a, b) <= 1e-13) }
        #expect(maxDifference(reference.sentenceEmbedding, fast.sentenceEmbedding) <= 1e-13)
    }

    /// Each layer's attention is the session's own trace of the layer's configuration, and each
    /// recorded stage follows from the one before.
    @Test func layersAreTheSessionsAttention() throws {
        let run = try TinyBert.encoder.run(ids: [2, 13, 14, 15, 3])
        for (weights, layerRun) in zip(TinyBert.encoder.layers, run.layers) {
            let configuration = weights.attentionConfiguration(X: layerRun.input)
            #expect(configuration.heads == 2 && configuration.mask == .none && configuration.dK == nil)
            #expect(try Trace.compute(.multiHead(configuration)) == layerRun.attention)
            #expect(layerRun.attention.dK == 8)
            #expect(layerRun.residual == (try layerRun.input.adding(layerRun.attention.output)))
            #expect(layerRun.ffnHidden.shape == Shape(5, 32))
            #expect(layerRun.output.shape == Shape(5, 16))
        }
        #expect(run.layers[1].input == run.layers[0].output)
        #expect(run.lastHiddenState == run.layers[1].output)
        let length = run.sentenceEmbedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(length - 1) < 1e-15)
    }

    /// Weight files of task models prefix every name with "bert." and carry tensors the encoder
    /// does not use; older ones name LayerNorm's parameters gamma and beta.
    @Test func prefixedAndOldStyleNames() throws {
        var renamed: [String: (shape: [Int], values: [Double])] = [:]
        for (name, tensor) in TinyBert.tensors {
            let old = name.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma")
                .replacingOccurrences(of: "LayerNorm.bias", with: "LayerNorm.beta")
            renamed["bert." + old] = tensor
        }
        renamed["bert.embeddings.position_ids"] = ([1, 32], (0..<32).map(Double.init))
        renamed["bert.pooler.dense.weight"] = ([3], [1, 2, 3])
        renamed["cls.predictions.bias"] = ([60], Array(repeating: 0, count: 60))
        let encoder = try BertEncoder(configuration: TinyBert.configuration, tensors: renamed)
        let ids = [2, 11, 13, 27, 3]
        #expect(try encoder.run(ids: ids) == (try TinyBert.encoder.run(ids: ids)))
    }

    /// Read as the REPL reads it, each Linear weight converted straight into its transpose
    /// (`isLinearWeight`), the model is the same model: every weight equal, bit for bit.
    @Test func linearWeightsReadTransposedGiveTheSameModel() throws {
        let file = try Safetensors.read(TinyBertCase.bytes("model.safetensors"), transposing: BertEncoder.isLinearWeight)
        #expect(file.values.filter(\.transposed).count == 6 * TinyBert.configuration.layers)
        let encoder = try BertEncoder(configuration: TinyBert.configuration,
                                      tensors: file.mapValues { ($0.shape, $0.values) }, linearWeightsTransposed: true)
        #expect(encoder.layers == TinyBert.encoder.layers)
        #expect(encoder.embeddings == TinyBert.encoder.embeddings)
        #expect(BertEncoder.isLinearWeight("bert.encoder.layer.11.output.dense.weight"))
        #expect(!BertEncoder.isLinearWeight("encoder.layer.0.output.dense.bias"))
        #expect(!BertEncoder.isLinearWeight("pooler.dense.weight"))
        #expect(!BertEncoder.isLinearWeight("encoder.layer.0.output.LayerNorm.weight"))
    }

    /// The layer weights are the transposes of PyTorch's Linear weights (out x in).
    @Test func weightsAreInTheSessionsConvention() throws {
        let layer = TinyBert.encoder.layers[1]
        let query = try #require(TinyBert.tensors["encoder.layer.1.attention.self.query.weight"])
        #expect(layer.W_Q[3, 5] == query.values[5 * 16 + 3])
        let ffnIn = try #require(TinyBert.tensors["encoder.layer.1.intermediate.dense.weight"])
        #expect(layer.W_in.shape == Shape(16, 32))
        #expect(layer.W_in[2, 30] == ffnIn.values[30 * 16 + 2])
        #expect(layer.W_out.shape == Shape(32, 16))
        #expect(layer.b_in == TinyBert.tensors["encoder.layer.1.intermediate.dense.bias"]?.values)
    }
}
