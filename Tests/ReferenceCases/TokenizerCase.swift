import Foundation

/// One case of `Fixtures/tokenizer/cases.json` (Hugging Face tokenizers with all-MiniLM-L6-v2's
/// tokenizer.json, truncated at 256 tokens as sentence-transformers does; see its README): a
/// text and the tokens, ids and number of cut wordpieces the reference gives it. Read with
/// Foundation's JSON parser.
public struct TokenizerCase: CustomStringConvertible, Sendable {
    public let number: Int
    public let text: String
    /// The number of scalars in `text` as written, to catch a JSON reader that changes the text.
    public let scalars: Int
    public let tokens: [String]
    public let ids: [Int]
    public let dropped: Int

    public var description: String {
        let shown = text.unicodeScalars.prefix(40).map { $0.escaped(asASCII: true) }.joined()
        return "case \(number) \"\(shown)\(text.unicodeScalars.count > 40 ? "..." : "")\""
    }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("tokenizer")

    /// The number of tokens the reference keeps, [CLS] and [SEP] included.
    public static let maximumTokens = 256

    public static func all() throws -> [TokenizerCase] {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        precondition(document["maximum_tokens"] as? Int == maximumTokens, "cases.json: unexpected maximum_tokens")
        return (document["cases"] as! [[String: Any]]).enumerated().map { number, json in
            TokenizerCase(number: number, text: json["text"] as! String, scalars: json["scalars"] as! Int,
                          tokens: json["tokens"] as! [String], ids: json["ids"] as! [Int],
                          dropped: json["dropped"] as! Int)
        }
    }

    /// The bytes of all-MiniLM-L6-v2's vocab.txt (30522 lines).
    public static func vocabularyBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent("vocab.txt")))
    }
}
