/// A WordPiece vocabulary: the tokens of a `vocab.txt`, one a line, the token on line N having
/// id N - 1. The file is untrusted input; it must be UTF-8, and every line must hold a token
/// that no other line holds. Lines end with "\n" or "\r\n"; a final line end is optional (it
/// does not make an empty last token).
///
/// Tokens are compared scalar by scalar, as Hugging Face does, never by Swift's `String`
/// equality, which treats canonically equivalent texts as equal ("é" and "e" + U+0301): the
/// tokenizer must not find a precomposed token for decomposed text, nor take two such tokens
/// for duplicates.
public struct Vocabulary: Equatable, Sendable {
    /// The tokens by id.
    public let tokens: [String]
    /// The id of each token, by its UTF-8 bytes.
    private let ids: [[UInt8]: Int]

    /// Reads the bytes of a vocab.txt; throws `ModelFileError(file: file, ...)` naming the line
    /// of the first problem.
    public init(bytes: [UInt8], file: String = "vocab.txt") throws {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }   // the final line end
        var tokens: [String] = []
        tokens.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            guard let token = String(validating: content, as: UTF8.self) else {
                throw ModelFileError(file: file, "line \(index + 1) is not valid UTF-8; save the file as UTF-8")
            }
            tokens.append(token)
        }
        try self.init(validating: tokens, file: file)
    }

    /// A vocabulary of `tokens` (id = position), checked as a file would be, line N being the
    /// token of id N - 1.
    public init(tokens: [String]) throws {
        try self.init(validating: tokens, file: "vocab.txt")
    }

    private init(validating tokens: [String], file: String) throws {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem) }
        guard !tokens.isEmpty else {
            throw fail("the file holds no tokens; it should hold one token a line")
        }
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            let line = id + 1
            let bytes = Array(token.utf8)
            if bytes.isEmpty {
                throw fail("line \(line) is empty; every line must hold one token (line N is the token of id N - 1)")
            }
            if line == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                throw fail("line 1 starts with a byte-order mark (U+FEFF); save the file as UTF-8 without one")
            }
            if bytes.contains(UInt8(ascii: "\r")) || bytes.contains(UInt8(ascii: "\n")) {
                throw fail("line \(line) holds a line break inside its token \(ModelFileError.quoted(token))")
            }
            if let first = ids.updateValue(id, forKey: bytes) {
                throw fail("line \(line) repeats the token \(ModelFileError.quoted(token)) of line \(first + 1); each token must appear once")
            }
        }
        self.tokens = tokens
        self.ids = ids
    }

    /// The id of `token`, matched scalar for scalar; nil if the vocabulary lacks it.
    public func id(of token: String) -> Int? {
        ids[Array(token.utf8)]
    }

    /// The id of the token with these UTF-8 bytes.
    func id(utf8 bytes: [UInt8]) -> Int? {
        ids[bytes]
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.tokens.count == b.tokens.count
            && zip(a.tokens, b.tokens).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }
}
