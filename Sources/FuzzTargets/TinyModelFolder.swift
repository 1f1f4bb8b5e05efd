import Attention
import Foundation

/// A small random BERT written into the scratch folder of the commands and session targets
/// (`ScratchFolder`), so that fuzzed commands reach model mode (`model load tiny-model`, `text`,
/// `layer`, `model heads`, ...): 2 layers, d_model 8, 2 heads, feed-forward 16, 16 positions,
/// a vocabulary of 24 tokens.
enum TinyModelFolder {
    static let name = "tiny-model"
    static let (layers, hidden, heads, intermediate, positions) = (2, 8, 2, 16, 16)
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "!", "'", "the", "cat", "sat",
                             "on", "mat", "it", "was", "tired", "dog", "a", "##s", "##ing", "run", "big", "café"]

    /// The folder's files, by name: about 10 KB in all.
    static let files: [String: [UInt8]] = {
        let config = """
            {"model_type": "bert", "hidden_size": \(hidden), "num_hidden_layers": \(layers), "num_attention_heads": \(heads),
             "intermediate_size": \(intermediate), "max_position_embeddings": \(positions), "vocab_size": \(vocabulary.count),
             "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12}
            """
        return ["config.json": Array(config.utf8), "vocab.txt": Array((vocabulary.joined(separator: "\n") + "\n").utf8),
                "model.safetensors": safetensors()]
    }()

    /// Writes the folder into `scratch` (a failure only means the fuzzer cannot reach model mode).
    static func write(into scratch: String) {
        let folder = scratch + "/" + name
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (file, bytes) in files {
            try? Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + file))
        }
    }

    /// Whether `scratch` holds the folder exactly as `write` leaves it: these files, no others,
    /// each with its bytes.
    static func isIntact(in scratch: String) -> Bool {
        let folder = scratch + "/" + name
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder),
              names.sorted() == files.keys.sorted() else { return false }
        return files.allSatisfy { file, bytes in
            FileManager.default.contents(atPath: folder + "/" + file).map { [UInt8]($0) == bytes } ?? false
        }
    }

    /// Every tensor a BertModel has, F32, drawn from a fixed seed.
    static func tensors() -> [(name: String, shape: [Int])] {
        var list: [(String, [Int])] = [("embeddings.word_embeddings.weight", [vocabulary.count, hidden]),
                                       ("embeddings.position_embeddings.weight", [positions, hidden]),
                                       ("embeddings.token_type_embeddings.weight", [2, hidden]),
                                       ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden])]
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            for part in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                list += [(prefix + part + ".weight", [hidden, hidden]), (prefix + part + ".bias", [hidden])]
            }
            list += [(prefix + "intermediate.dense.weight", [intermediate, hidden]), (prefix + "intermediate.dense.bias", [intermediate]),
                     (prefix + "output.dense.weight", [hidden, intermediate]), (prefix + "output.dense.bias", [hidden])]
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                list += [(prefix + norm + ".weight", [hidden]), (prefix + norm + ".bias", [hidden])]
            }
        }
        return list
    }

    /// The safetensors file: an 8-byte header length, the JSON header, the data.
    static func safetensors() -> [UInt8] {
        var random = SeededRandom(seed: 24)
        var header: [String] = [], data: [UInt8] = []
        for (name, shape) in tensors() {
            let count = shape.reduce(1, *)
            let begin = data.count
            for _ in 0..<count {
                let value = Float(random.normal() * (name.hasSuffix("LayerNorm.weight") ? 0.1 : 0.5) + (name.hasSuffix("LayerNorm.weight") ? 1 : 0))
                data += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
            }
            header.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(begin), \(data.count)]}")
        }
        let json = Array(("{" + header.joined(separator: ", ") + "}").utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }
}
