import Foundation
import ModelFiles
import ReferenceCases
import Testing

/// BERT's tokenizer against Hugging Face tokenizers 0.23.3 with all-MiniLM-L6-v2's tokenizer
/// (`Fixtures/tokenizer`, written by bench/make_tokenizer_fixtures.py), and its parts on their own.
@Suite("BERT tokenizer")
struct TokenizerTests {
    static let cases = (try? TokenizerCase.all()) ?? []
    static let miniLM: BertTokenizer? = {
        guard let bytes = try? TokenizerCase.vocabularyBytes(), let vocabulary = try? Vocabulary(bytes: bytes) else {
            return nil
        }
        return try? BertTokenizer(vocabulary: vocabulary)
    }()

    /// A tokenizer for a handful of tokens; [UNK] is 0, [CLS] 1, [SEP] 2.
    static func tiny(_ tokens: [String], lowercase: Bool = true, maximumTokens: Int = 256) throws -> BertTokenizer {
        try BertTokenizer(vocabulary: Vocabulary(tokens: ["[UNK]", "[CLS]", "[SEP]"] + tokens),
                          lowercase: lowercase, maximumTokens: maximumTokens)
    }

    @Test func fixtureIsComplete() throws {
        #expect(Self.cases.count == 380, "Fixtures/tokenizer/cases.json should hold 380 cases")
        #expect(Self.miniLM != nil, "Fixtures/tokenizer/vocab.txt should read")
        for reference in Self.cases {
            // Foundation's JSON reader must hand over each text scalar for scalar.
            #expect(reference.text.unicodeScalars.count == reference.scalars, "\(reference): text changed on reading")
        }
    }

    @Test(arguments: cases)
    func matchesHuggingFace(_ reference: TokenizerCase) throws {
        let tokenizer = try #require(Self.miniLM)
        let encoding = tokenizer.encode(reference.text)
        #expect(encoding.ids == reference.ids, "\(reference): ids \(encoding.ids), expected \(reference.ids)")
        // Scalar for scalar: String's == would take "é" and "e" + U+0301 for the same token.
        let sameTokens = encoding.tokens.map { Array($0.utf8) } == reference.tokens.map { Array($0.utf8) }
        #expect(sameTokens, "\(reference): tokens \(encoding.tokens), expected \(reference.tokens)")
        #expect(encoding.droppedTokens == reference.dropped, "\(reference): dropped \(encoding.droppedTokens), expected \(reference.dropped)")
    }

    // MARK: Truncation

    @Test func truncatesToMaximumTokensWithClassifierAndSeparator() throws {
        let tokenizer = try #require(Self.miniLM)
        for words in [0, 1, 253, 254, 255, 256, 1000] {
            let encoding = tokenizer.encode(Array(repeating: "word", count: words).joined(separator: " "))
            #expect(encoding.ids.count == min(words, 254) + 2)
            #expect(encoding.droppedTokens == max(0, words - 254), "\(words) words")
            #expect(encoding.ids.first == 101 && encoding.ids.last == 102)
            #expect(encoding.tokens.first == "[CLS]" && encoding.tokens.last == "[SEP]")
        }
    }

    @Test func truncationCutsInsideAWord() throws {
        // "unaffable" is three pieces; with room for two, the word is cut, as HF does.
        let tokenizer = try Self.tiny(["un", "##aff", "##able"], maximumTokens: 4)
        let encoding = tokenizer.encode("unaffable")
        #expect(encoding.tokens == ["[CLS]", "un", "##aff", "[SEP]"])
        #expect(encoding.droppedTokens == 1)
        let bare = try Self.tiny(["un"], maximumTokens: 2).encode("un un un")
        #expect(bare.tokens == ["[CLS]", "[SEP]"])
        #expect(bare.droppedTokens == 3)
    }

    // MARK: The parts

    @Test func wordPieceIsGreedyLongestMatchFirst() throws {
        let tokenizer = try Self.tiny(["un", "una", "##ffable", "##aff", "##able", "##a"])
        #expect(tokenizer.encode("unaffable").tokens == ["[CLS]", "una", "##ffable", "[SEP]"])
        // A word with a part no token matches is one [UNK], not a partial spelling.
        #expect(tokenizer.encode("unaffablez").tokens == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(tokenizer.encode("un zz un").tokens == ["[CLS]", "un", "[UNK]", "un", "[SEP]"])
    }

    @Test func wordsOfMoreThanAHundredScalarsAreUnknown() throws {
        let tokenizer = try Self.tiny(["a", "##a"])
        #expect(tokenizer.encode(String(repeating: "a", count: 100)).ids.count == 102)
        #expect(tokenizer.encode(String(repeating: "a", count: 101)).tokens == ["[CLS]", "[UNK]", "[SEP]"])
        // Counted after normalisation: 60 "e" + U+0301 are 120 scalars typed, 60 once stripped.
        let accented = try Self.tiny(["e", "##e"]).encode(String(repeating: "e\u{301}", count: 60))
        #expect(accented.ids.count == 62)
    }

    @Test func normaliserLowercasesEachScalarOnItsOwnAfterStrippingAccents() throws {
        let tokenizer = try Self.tiny(["ο", "##δ", "##ο", "##σ", "##ς", "i", "cafe", "istanbul", "ᄒ", "##ᅡ", "##ᆫ"])
        #expect(tokenizer.encode("ΟΔΟΣ").tokens == ["[CLS]", "ο", "##δ", "##ο", "##σ", "[SEP]"])  // no final ς
        #expect(tokenizer.encode("İ").tokens == ["[CLS]", "i", "[SEP]"])       // not "i" + U+0307
        #expect(tokenizer.encode("CAFÉ café cafe\u{301}").tokens == ["[CLS]", "cafe", "cafe", "cafe", "[SEP]"])
        #expect(tokenizer.encode("İSTANBUL").tokens == ["[CLS]", "istanbul", "[SEP]"])
        #expect(tokenizer.encode("한").tokens == ["[CLS]", "ᄒ", "##ᅡ", "##ᆫ", "[SEP]"])  // NFD splits the syllable
    }

    @Test func marksAreOrderedByCombiningClass() throws {
        // U+1D165 (class 216) and U+1D16D (class 226) are spacing marks, which strip_accents
        // keeps: NFD sorts them, so either order finds the token in canonical order, as in HF.
        let tokenizer = try Self.tiny(["a\u{1D165}\u{1D16D}", "a\u{1D16D}\u{1D165}"])
        for text in ["a\u{1D16D}\u{1D165}", "a\u{1D165}\u{1D16D}", "A\u{301}\u{1D16D}\u{316}\u{1D165}"] {
            #expect(tokenizer.encode(text).ids == [1, 3, 2], "\(text.unicodeScalars.map { $0.escaped(asASCII: true) })")
        }
    }

    @Test func casedTokenizerKeepsCaseAndAccents() throws {
        let tokenizer = try Self.tiny(["Café", "é"], lowercase: false)
        #expect(tokenizer.encode("Café").tokens == ["[CLS]", "Café", "[SEP]"])
        // Canonically equivalent to "é" but not the same scalars: HF finds no token for it.
        #expect(tokenizer.encode("e\u{301}").tokens == ["[CLS]", "[UNK]", "[SEP]"])
    }

    @Test func cleaningDropsControlsAndSpacesOutWhitespace() throws {
        let tokenizer = try Self.tiny(["ab", "a", "b", "中", "文"])
        #expect(tokenizer.encode("a\u{0}b\u{FFFD}\u{200B}").tokens == ["[CLS]", "ab", "[SEP]"])
        #expect(tokenizer.encode("a\r\nb\tb\u{3000}a").tokens == ["[CLS]", "a", "b", "b", "a", "[SEP]"])
        #expect(tokenizer.encode("a中文b").tokens == ["[CLS]", "a", "中", "文", "b", "[SEP]"])
        #expect(tokenizer.encode("").tokens == ["[CLS]", "[SEP]"])
        #expect(tokenizer.encode(" \u{0301}\u{200D} ").tokens == ["[CLS]", "[SEP]"])
    }

    @Test func punctuationIsAWordOfItsOwnAndEmojiIsNot() throws {
        let tokenizer = try Self.tiny(["don", "'", "t", "!", "great", "¿"])
        #expect(tokenizer.encode("don't!").tokens == ["[CLS]", "don", "'", "t", "!", "[SEP]"])
        #expect(tokenizer.encode("¿great").tokens == ["[CLS]", "¿", "great", "[SEP]"])
        #expect(tokenizer.encode("great🙂").tokens == ["[CLS]", "[UNK]", "[SEP]"])
    }

    @Test func typedSpecialTokensAreMatchedExactlyBeforeNormalising() throws {
        let tokenizer = try Self.tiny(["[MASK]", "[", "]", "mask", "x", "y"])
        #expect(tokenizer.encode("x[MASK]y").tokens == ["[CLS]", "x", "[MASK]", "y", "[SEP]"])
        #expect(tokenizer.encode("[mask]").tokens == ["[CLS]", "[", "mask", "]", "[SEP]"])
        #expect(tokenizer.encode("[SEP][UNK]").ids == [1, 2, 0, 2])
        #expect(tokenizer.encode("[MAS\u{200B}K]").tokens == ["[CLS]", "[", "mask", "]", "[SEP]"])
        // [PAD] is not in this vocabulary, so it is plain text here.
        #expect(tokenizer.encode("[PAD]").tokens == ["[CLS]", "[", "[UNK]", "]", "[SEP]"])
    }

    @Test func refusesAVocabularyWithoutItsSpecialTokens() throws {
        #expect(throws: ModelFileError(file: "vocab.txt", "there is no [SEP] or [UNK] line; BERT's tokenizer needs the tokens [CLS], [SEP] and [UNK], each on a line of its own")) {
            try BertTokenizer(vocabulary: Vocabulary(tokens: ["[CLS]", "a"]))
        }
        #expect(throws: ModelFileError(file: "sentence_bert_config.json", "max_seq_length is 1; it must be at least 2, room for [CLS] and [SEP]")) {
            try Self.tiny([], maximumTokens: 1)
        }
    }

    @Test func neverTrapsOnOddInput() throws {
        let tokenizer = try #require(Self.miniLM)
        let odd = ["\u{10FFFF}", "\u{E0001}", String(repeating: "\u{301}", count: 500), "[", "[SEP", "#", "##",
                   String(repeating: "[MASK]", count: 400), String(decoding: [0xFF, 0xC0, 0x80], as: UTF8.self)]
        for text in odd {
            let encoding = tokenizer.encode(text)
            #expect(encoding.ids.count <= 256 && encoding.ids.count == encoding.tokens.count)
        }
    }

    // MARK: Every scalar value (opt-in)

    /// Compares every scalar value with the reference, in three texts each (see
    /// `exhaustive_texts` in bench/make_tokenizer_fixtures.py, which writes the expected ids):
    ///
    ///     python3 bench/make_tokenizer_fixtures.py --model FOLDER --exhaustive /tmp/exhaustive.tsv
    ///     TOKENIZER_EXHAUSTIVE=/tmp/exhaustive.tsv swift test --filter everyScalarValue
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TOKENIZER_EXHAUSTIVE"] != nil))
    func everyScalarValue() throws {
        let tokenizer = try #require(Self.miniLM)
        let path = ProcessInfo.processInfo.environment["TOKENIZER_EXHAUSTIVE"]!
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var checked = 0
        var mismatches: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let value = try #require(UInt32(fields[0], radix: 16))
            let scalar = String(try #require(Unicode.Scalar(value)))
            let texts = [scalar, "a" + scalar + "b", "\u{C9}\u{301}" + scalar + "\u{316}X"]
            for (text, expected) in zip(texts, fields.dropFirst()) {
                let ids = Array(tokenizer.encode(text).ids.dropFirst().dropLast())
                if ids != expected.split(separator: " ").map({ Int($0)! }) {
                    mismatches.append("U+\(fields[0]) in \(text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()): \(ids), expected \(expected)")
                }
            }
            checked += 1
        }
        #expect(checked == 1_112_064)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, the first: \(mismatches.prefix(20).joined(separator: "; "))")
    }
}
