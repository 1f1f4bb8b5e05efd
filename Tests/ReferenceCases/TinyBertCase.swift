import Attention
import Foundation

/// The tiny random BERT of `Fixtures/tiny-bert` (written by bench/make_tiny_bert.py): a model
/// folder saved by Hugging Face transformers (config.json, model.safetensors, vocab.txt) and what
/// `BertModel` computes with it in float64 for a few id sequences (expected.json). Read with
/// Foundation's JSON parser, independently of the project's own readers.
public struct TinyBertCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let json: [String: Any]

    public var description: String { "ids \(ids)" }
    /// The token ids given to the model.
    public var ids: [Int] { json["ids"] as! [Int] }
    /// Per layer, per head: the n x n attention weights.
    public var attentions: [[Matrix]] {
        (json["attentions"] as! [[Any]]).map { layer in layer.map { try! ReferenceCase.matrix($0) } }
    }
    /// The embeddings, then every layer's output: n x d_model each.
    public var hiddenStates: [Matrix] {
        (json["hidden_states"] as! [Any]).map { try! ReferenceCase.matrix($0) }
    }
    /// The mean of the last hidden state's rows, L2-normalised.
    public var sentenceEmbedding: [Double] { ReferenceCase.vector(json["sentence_embedding"])! }

    /// The model folder.
    public static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("tiny-bert")

    /// The bytes of one file of the model folder (`config.json`, `model.safetensors`, ...).
    public static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(file)))
    }

    /// Every case of expected.json, shortest first.
    public static func all() throws -> [TinyBertCase] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { TinyBertCase(json: $0) }
    }
}
