/// A text as the model sees it: wordpieces between [CLS] and [SEP], and their ids.
public struct Encoding: Equatable, Sendable {
    /// The wordpieces, [CLS] first and [SEP] last.
    public var tokens: [String]
    /// The id of each wordpiece in the vocabulary.
    public var ids: [Int]
    /// How many wordpieces of the text were cut off to fit `maximumTokens` (0 if none).
    public var droppedTokens: Int

    public init(tokens: [String], ids: [Int], droppedTokens: Int) {
        self.tokens = tokens
        self.ids = ids
        self.droppedTokens = droppedTokens
    }
}

/// BERT's tokenizer, exact to Hugging Face `tokenizers` 0.23.3 with the tokenizer.json of
/// all-MiniLM-L6-v2 (and of every BERT tokenizer made from a vocab.txt), truncating as
/// sentence-transformers does. Its parts are HF's:
///
/// 0. typed special tokens: "[MASK]", "[SEP]", "[CLS]", "[UNK]" and "[PAD]" written in the text
///    are those tokens, matched exactly, before anything else ("[mask]" is not one);
/// 1. normaliser (`BertNormalizer`): clean, space out CJK, and when uncased strip accents and
///    lowercase;
/// 2. pre-tokeniser (`BertPreTokenizer`): words at whitespace and around punctuation;
/// 3. model (`WordPiece`): each word into vocabulary tokens, or [UNK];
/// 4. post-processor: cut to `maximumTokens - 2` wordpieces (even inside a word, as HF does),
///    then [CLS] before and [SEP] after.
public struct BertTokenizer: Sendable {
    public let vocabulary: Vocabulary
    /// Whether text is lowercased and stripped of accents (an uncased model).
    public let lowercase: Bool
    /// The most tokens an encoding holds, [CLS] and [SEP] included (sentence-transformers'
    /// `max_seq_length`, 256 for all-MiniLM-L6-v2).
    public let maximumTokens: Int

    /// The special tokens recognised when typed in the text, those the vocabulary holds
    /// (Hugging Face's added tokens of a BERT tokenizer).
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    private let normalizer: BertNormalizer
    private let model: WordPiece
    private let classifier: Int             // the id of [CLS]
    private let separator: Int              // the id of [SEP]
    /// The typed special tokens' UTF-8 bytes and ids, longest first.
    private let typed: [TypedToken]

    private struct TypedToken: Sendable {
        let bytes: [UInt8]
        let id: Int
    }

    /// Throws `ModelFileError` if the vocabulary lacks [CLS], [SEP] or [UNK], or if
    /// `maximumTokens` leaves no room for them.
    public init(vocabulary: Vocabulary, lowercase: Bool = true, maximumTokens: Int = 256) throws {
        let missing = ["[CLS]", "[SEP]", "[UNK]"].filter { vocabulary.id(of: $0) == nil }
        if !missing.isEmpty {
            throw ModelFileError(file: "vocab.txt", "there is no \(missing.joined(separator: " or ")) line; "
                + "BERT's tokenizer needs the tokens [CLS], [SEP] and [UNK], each on a line of its own")
        }
        guard maximumTokens >= 2 else {
            throw ModelFileError(file: "sentence_bert_config.json",
                                 "max_seq_length is \(maximumTokens); it must be at least 2, room for [CLS] and [SEP]")
        }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.maximumTokens = maximumTokens
        normalizer = BertNormalizer(lowercase: lowercase)
        classifier = vocabulary.id(of: "[CLS]")!
        separator = vocabulary.id(of: "[SEP]")!
        model = WordPiece(vocabulary: vocabulary, unknown: vocabulary.id(of: "[UNK]")!)
        typed = Self.specialTokens
            .compactMap { token in vocabulary.id(of: token).map { TypedToken(bytes: Array(token.utf8), id: $0) } }
            .sorted { $0.bytes.count > $1.bytes.count }
    }

    /// The encoding of `text`, truncated to `maximumTokens`. Never fails: what the vocabulary
    /// cannot spell becomes [UNK].
    public func encode(_ text: String) -> Encoding {
        // 0. Typed special tokens, leftmost first and the longest where two start together;
        //    the text between them goes through steps 1 to 3.
        let bytes = Array(text.utf8)
        var pieces: [Int] = []
        var start = 0                       // the first byte not yet tokenized
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["),   // every special token starts with "["
               let match = typed.first(where: { bytes[i...].starts(with: $0.bytes) }) {
                appendPieces(of: bytes[start ..< i], to: &pieces)
                pieces.append(match.id)
                i += match.bytes.count
                start = i
            } else {
                i += 1
            }
        }
        appendPieces(of: bytes[start...], to: &pieces)

        // 4. Truncation, then [CLS] and [SEP].
        let kept = min(pieces.count, maximumTokens - 2)
        let ids = [classifier] + pieces[..<kept] + [separator]
        return Encoding(tokens: ids.map { vocabulary.tokens[$0] }, ids: ids, droppedTokens: pieces.count - kept)
    }

    /// Steps 1 to 3 on a stretch of text without special tokens (valid UTF-8, cut between scalars).
    private func appendPieces(of utf8: ArraySlice<UInt8>, to pieces: inout [Int]) {
        guard !utf8.isEmpty else { return }
        var scalars: [UInt32] = []
        var iterator = utf8.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar.value)
            case .emptyInput: break decoding
            case .error: scalars.append(0xFFFD)      // not reached: the bytes come from a String
            }
        }
        for word in BertPreTokenizer.words(normalizer.normalize(scalars)) {
            model.appendPieces(of: word, to: &pieces)
        }
    }
}
