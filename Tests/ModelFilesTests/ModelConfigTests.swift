import Foundation
import ReferenceCases
import Testing
import ModelFiles

/// all-MiniLM-L6-v2's config.json as published (sentence-transformers' copy of
/// nreimers/MiniLM-L6-H384-uncased).
private let miniLMConfig = """
{
  "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
  "architectures": [
    "BertModel"
  ],
  "attention_probs_dropout_prob": 0.1,
  "gradient_checkpointing": false,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 384,
  "initializer_range": 0.02,
  "intermediate_size": 1536,
  "layer_norm_eps": 1e-12,
  "max_position_embeddings": 512,
  "model_type": "bert",
  "num_attention_heads": 12,
  "num_hidden_layers": 6,
  "pad_token_id": 0,
  "position_embedding_type": "absolute",
  "transformers_version": "4.8.2",
  "type_vocab_size": 2,
  "use_cache": true,
  "vocab_size": 30522
}
"""

/// The smallest acceptable config, with `changes` applied (a nil value removes the field).
private func config(_ changes: [String: Any?] = [:]) -> [UInt8] {
    var fields: [String: Any] = ["hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
                                 "intermediate_size": 32, "max_position_embeddings": 32, "vocab_size": 60]
    for (key, value) in changes { fields[key] = value }
    return Array(try! JSONSerialization.data(withJSONObject: fields))
}

/// The error for `bytes`, checked to name the file and to mention every phrase.
private func configError(_ bytes: [UInt8], mentions phrases: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let parsed = try ModelConfig(bytes: bytes, file: "model/config.json")
        Issue.record("parsed \(parsed) instead of failing", sourceLocation: sourceLocation)
    } catch let error as ModelFileError {
        #expect(error.file == "model/config.json", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(error.problem.contains(phrase), "\"\(error.problem)\" should mention \"\(phrase)\"",
                    sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("threw \(error), not a ModelFileError", sourceLocation: sourceLocation)
    }
}

@Suite("config.json")
struct ModelConfigTests {
    @Test func readsMiniLM() throws {
        let parsed = try ModelConfig(bytes: Array(miniLMConfig.utf8))
        #expect(parsed.hiddenSize == 384)
        #expect(parsed.layers == 6)
        #expect(parsed.heads == 12)
        #expect(parsed.intermediateSize == 1536)
        #expect(parsed.maxPositions == 512)
        #expect(parsed.vocabSize == 30522)
        #expect(parsed.typeVocabSize == 2)
        #expect(parsed.hiddenAct == "gelu")
        #expect(parsed.layerNormEps == 1e-12)
    }

    @Test func readsTheTinyBertFixture() throws {
        let parsed = try ModelConfig(bytes: TinyBertCase.bytes("config.json"))
        let sizes = [parsed.hiddenSize, parsed.layers, parsed.heads, parsed.intermediateSize, parsed.maxPositions,
                     parsed.vocabSize, parsed.typeVocabSize]
        #expect(sizes == [16, 2, 2, 32, 32, 60, 2])
        #expect(parsed.hiddenAct == "gelu" && parsed.layerNormEps == 1e-12)
    }

    @Test func optionalFieldsTakeBertConfigDefaults() throws {
        let parsed = try ModelConfig(bytes: config())
        #expect(parsed.typeVocabSize == 2)
        #expect(parsed.hiddenAct == "gelu")
        #expect(parsed.layerNormEps == 1e-12)
        #expect(try ModelConfig(bytes: config(["layer_norm_eps": 1e-5, "type_vocab_size": 1])).layerNormEps == 1e-5)
    }

    @Test func notAJSONObject() {
        configError([], mentions: "not valid JSON")
        configError(Array("{\"hidden_size\": 16,".utf8), mentions: "not valid JSON")
        configError(Array("[16, 2]".utf8), mentions: "not a JSON object")
        configError(Array("\"bert\"".utf8), mentions: "not a JSON object")
    }

    @Test func missingOrMistypedSizes() {
        configError(config(["hidden_size": nil]), mentions: "\"hidden_size\" is missing")
        configError(config(["vocab_size": nil]), mentions: "\"vocab_size\" is missing")
        configError(config(["hidden_size": "16"]), mentions: "\"hidden_size\" is a string", "whole number")
        configError(config(["num_hidden_layers": 2.5]), mentions: "\"num_hidden_layers\" is the number 2.5")
        configError(config(["num_attention_heads": true]), mentions: "\"num_attention_heads\" is true or false")
        configError(config(["intermediate_size": NSNull()]), mentions: "\"intermediate_size\" is null")
        configError(config(["type_vocab_size": [2]]), mentions: "\"type_vocab_size\" is an array")
        configError(config(["max_position_embeddings": 1e30]), mentions: "\"max_position_embeddings\"")
    }

    @Test func sizesOutOfRange() {
        configError(config(["num_attention_heads": 0]), mentions: "\"num_attention_heads\" is 0", "at least 1")
        configError(config(["hidden_size": -16]), mentions: "\"hidden_size\" is -16")
        configError(config(["hidden_size": 16384]), mentions: "\"hidden_size\" is 16384", "limit of 8192")
        configError(config(["num_hidden_layers": 97]), mentions: "limit of 96")
        configError(config(["num_attention_heads": 512]), mentions: "limit of 256")
        configError(config(["vocab_size": 2_000_000]), mentions: "limit of 1000000")
        configError(config(["max_position_embeddings": 100_000]), mentions: "limit of 65536")
        configError(config(["intermediate_size": 1 << 40]), mentions: "limit of 65536")
        configError(config(["type_vocab_size": 0]), mentions: "\"type_vocab_size\" is 0")
        configError(config(["num_attention_heads": 3]), mentions: "16", "not divisible", "3")
    }

    @Test func unsupportedActivationsAndModels() {
        configError(config(["hidden_act": "gelu_new"]), mentions: "\"gelu_new\"", "supported one is \"gelu\"")
        configError(config(["hidden_act": "relu"]), mentions: "\"relu\"", "\"gelu\"")
        configError(config(["hidden_act": 1]), mentions: "\"hidden_act\" is the integer 1", "string")
        configError(config(["model_type": "gpt2"]), mentions: "\"gpt2\"", "bert")
        configError(config(["position_embedding_type": "relative_key"]), mentions: "\"relative_key\"", "absolute")
        configError(config(["is_decoder": true]), mentions: "is_decoder")
        configError(config(["is_decoder": "no"]), mentions: "is_decoder", "true or false")
    }

    @Test func badEpsilon() {
        configError(config(["layer_norm_eps": 0]), mentions: "\"layer_norm_eps\" is 0.0", "greater than 0")
        configError(config(["layer_norm_eps": -1e-12]), mentions: "greater than 0")
        configError(config(["layer_norm_eps": 2]), mentions: "less than 1")
        configError(config(["layer_norm_eps": "1e-12"]), mentions: "\"layer_norm_eps\" is a string")
    }
}
