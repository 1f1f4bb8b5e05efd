/// The sizes of a BERT-family encoder, read from its folder's `config.json` (Hugging Face's
/// `BertConfig`). The file is untrusted: every field is type-checked and held to generous limits,
/// so that a damaged or hostile file is refused with a clear message before anything is allocated.
///
/// | field                     | property           | required | limits                |
/// |---------------------------|--------------------|----------|-----------------------|
/// | `hidden_size`             | `hiddenSize`       | yes      | 1 ... 8192            |
/// | `num_hidden_layers`       | `layers`           | yes      | 1 ... 96              |
/// | `num_attention_heads`     | `heads`            | yes      | 1 ... 256, divides hidden_size |
/// | `intermediate_size`       | `intermediateSize` | yes      | 1 ... 65536           |
/// | `max_position_embeddings` | `maxPositions`     | yes      | 1 ... 65536           |
/// | `vocab_size`              | `vocabSize`        | yes      | 1 ... 1,000,000       |
/// | `type_vocab_size`         | `typeVocabSize`    | no, 2    | 1 ... 1024            |
/// | `hidden_act`              | `hiddenAct`        | no, gelu | only `gelu`           |
/// | `layer_norm_eps`          | `layerNormEps`     | no, 1e-12| > 0 and < 1           |
///
/// The defaults are `BertConfig`'s own; the sizes have none here, because BertConfig's (those of
/// bert-base) would only be a guess. `model_type`, when present, must be `bert`;
/// `position_embedding_type`, when present, `absolute`; and `is_decoder`, when present, false:
/// other values describe a computation this encoder does not do. Other fields are ignored.
public struct ModelConfig: Equatable, Sendable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var vocabSize: Int
    public var typeVocabSize: Int
    /// The feed-forward activation; only "gelu", the exact form `0.5 x (1 + erf(x / sqrt 2))`.
    public var hiddenAct: String
    /// The epsilon added to the variance in every LayerNorm.
    public var layerNormEps: Double

    /// The activations supported (`hidden_act`).
    public static let supportedActivations = ["gelu"]

    /// Parses the bytes of a `config.json`; throws `ModelFileError(file: file, ...)` naming the
    /// field and what is wrong with it.
    public init(bytes: [UInt8], file: String = "config.json") throws {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem) }
        guard case let .object(fields) = try JSONValue.parse(bytes, file: file, what: "the file") else {
            throw fail("the file is not a JSON object of settings")
        }

        func size(_ key: String, limit: Int, default value: Int? = nil) throws -> Int {
            guard let field = fields[key] else {
                if let value { return value }
                throw fail("\"\(key)\" is missing; it is one of the model's sizes")
            }
            guard case let .integer(number) = field else {
                throw fail("\"\(key)\" is \(field.kind); it must be a whole number")
            }
            guard number >= 1 else { throw fail("\"\(key)\" is \(number); it must be at least 1") }
            guard number <= limit else {
                throw fail("\"\(key)\" is \(number), more than the limit of \(limit) for this program")
            }
            return number
        }
        func string(_ key: String) throws -> String? {
            guard let field = fields[key] else { return nil }
            guard case let .string(text) = field else { throw fail("\"\(key)\" is \(field.kind); it must be a string") }
            return text
        }

        hiddenSize = try size("hidden_size", limit: 8192)
        layers = try size("num_hidden_layers", limit: 96)
        heads = try size("num_attention_heads", limit: 256)
        intermediateSize = try size("intermediate_size", limit: 65536)
        maxPositions = try size("max_position_embeddings", limit: 65536)
        vocabSize = try size("vocab_size", limit: 1_000_000)
        typeVocabSize = try size("type_vocab_size", limit: 1024, default: 2)
        guard hiddenSize % heads == 0 else {
            throw fail("\"hidden_size\" \(hiddenSize) is not divisible by \"num_attention_heads\" \(heads): "
                       + "each head takes an equal share of the hidden size")
        }

        hiddenAct = try string("hidden_act") ?? "gelu"
        guard Self.supportedActivations.contains(hiddenAct) else {
            throw fail("\"hidden_act\" is \(ModelFileError.quoted(hiddenAct)); the supported one is \"gelu\" "
                       + "(the exact form 0.5 x (1 + erf(x / sqrt 2)))")
        }

        switch fields["layer_norm_eps"] {
        case nil: layerNormEps = 1e-12
        case let .integer(value)?: layerNormEps = Double(value)
        case let .number(value)?: layerNormEps = value
        case let other?: throw fail("\"layer_norm_eps\" is \(other.kind); it must be a number such as 1e-12")
        }
        guard layerNormEps > 0, layerNormEps < 1 else {
            throw fail("\"layer_norm_eps\" is \(layerNormEps); it must be greater than 0 and less than 1")
        }

        if let modelType = try string("model_type"), modelType != "bert" {
            throw fail("\"model_type\" is \(ModelFileError.quoted(modelType)); this program reads BERT encoders (\"bert\") only")
        }
        if let positions = try string("position_embedding_type"), positions != "absolute" {
            throw fail("\"position_embedding_type\" is \(ModelFileError.quoted(positions)); only \"absolute\" position embeddings are supported")
        }
        switch fields["is_decoder"] {
        case nil, .bool(false)?, .null?: break
        case .bool(true)?: throw fail("\"is_decoder\" is true; this program runs BERT as an encoder only")
        case let other?: throw fail("\"is_decoder\" is \(other.kind); it must be true or false")
        }
    }
}
