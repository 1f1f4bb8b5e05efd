/// What is wrong with one file of a model folder, in words a learner can act on: the file's
/// name and the problem, for example `config.json: "num_attention_heads" is 0; it must be at
/// least 1`. Every reader of a model folder throws this and nothing else.
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's name within the folder (`model.safetensors`, `config.json`, `vocab.txt`, ...).
    public let file: String
    /// What is wrong, and where in the file when that helps.
    public let problem: String

    public init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

extension ModelFileError {
    /// Text from a file, for an error message: quoted, at most `limit` scalars, control
    /// characters (C0, DEL, C1) escaped, so that a hostile file cannot move the cursor or
    /// recolour the terminal through a message.
    static func quoted(_ text: some StringProtocol, limit: Int = 40) -> String {
        let scalars = text.unicodeScalars
        let shown = scalars.prefix(limit).map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
        return "\"" + shown.joined() + (scalars.count > limit ? "..." : "") + "\""
    }
}
