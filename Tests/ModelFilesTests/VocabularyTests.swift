import ModelFiles
import ReferenceCases
import Testing

/// Reading vocab.txt: the real file, line ends, and every malformed file refused with the line.
@Suite("vocab.txt")
struct VocabularyTests {
    static func read(_ text: String) throws -> Vocabulary {
        try Vocabulary(bytes: Array(text.utf8))
    }

    static func problem(_ bytes: [UInt8]) -> String? {
        do {
            _ = try Vocabulary(bytes: bytes, file: "my-vocab.txt")
            return nil
        } catch let error as ModelFileError {
            #expect(error.file == "my-vocab.txt")
            return error.problem
        } catch {
            Issue.record("not a ModelFileError: \(error)")
            return nil
        }
    }

    @Test func readsMiniLMVocabulary() throws {
        let vocabulary = try Vocabulary(bytes: TokenizerCase.vocabularyBytes())
        #expect(vocabulary.count == 30522)
        #expect(vocabulary.id(of: "[PAD]") == 0)
        #expect(vocabulary.id(of: "[UNK]") == 100)
        #expect(vocabulary.id(of: "[CLS]") == 101)
        #expect(vocabulary.id(of: "[SEP]") == 102)
        #expect(vocabulary.id(of: "[MASK]") == 103)
        #expect(vocabulary.id(of: "hello") == 7592)
        #expect(vocabulary.tokens[30521] == "##～")
        #expect(vocabulary.id(of: "not a token") == nil)
    }

    @Test func lineEndsAndTheFinalNewline() throws {
        let plain = try Self.read("[UNK]\nhello\n##s\n")
        #expect(plain.tokens == ["[UNK]", "hello", "##s"])
        #expect(try Self.read("[UNK]\nhello\n##s") == plain)
        #expect(try Self.read("[UNK]\r\nhello\r\n##s\r\n") == plain)
        #expect(try Self.read("[UNK]\r\nhello\n##s") == plain)
        #expect(try Vocabulary(tokens: ["[UNK]", "hello", "##s"]) == plain)
    }

    @Test func tokensAreComparedScalarForScalar() throws {
        // "é" and "e" + U+0301 are equal as Swift Strings but different tokens.
        let vocabulary = try Vocabulary(tokens: ["\u{E9}", "e\u{301}"])
        #expect(vocabulary.id(of: "\u{E9}") == 0)
        #expect(vocabulary.id(of: "e\u{301}") == 1)
        #expect(try Vocabulary(tokens: ["\u{E9}"]) != Vocabulary(tokens: ["e\u{301}"]))
    }

    @Test func everyProblemNamesItsLine() {
        let cases: [(bytes: [UInt8], problem: String)] = [
            ([], "the file holds no tokens; it should hold one token a line"),
            (Array("\n".utf8), "line 1 is empty; every line must hold one token (line N is the token of id N - 1)"),
            (Array("a\nb\n\nc\n".utf8), "line 3 is empty; every line must hold one token (line N is the token of id N - 1)"),
            (Array("a\r\n\r\nc".utf8), "line 2 is empty; every line must hold one token (line N is the token of id N - 1)"),
            (Array("a\nb\n\n".utf8), "line 3 is empty; every line must hold one token (line N is the token of id N - 1)"),
            (Array("a\nb\nc\nb\n".utf8), "line 4 repeats the token \"b\" of line 2; each token must appear once"),
            (Array("a\nb\r\nb\n".utf8), "line 3 repeats the token \"b\" of line 2; each token must appear once"),
            (Array("a\nb".utf8) + [0x0A, 0x63, 0xFF, 0x0A], "line 3 is not valid UTF-8; save the file as UTF-8"),
            ([0x61, 0x0A, 0xC3], "line 2 is not valid UTF-8; save the file as UTF-8"),
            ([0xEF, 0xBB, 0xBF] + Array("[PAD]\n".utf8), "line 1 starts with a byte-order mark (U+FEFF); save the file as UTF-8 without one"),
            (Array("a\nb\rc\n".utf8), "line 2 holds a line break inside its token \"b\\rc\""),
            (Array("a\nb\r\r\n".utf8), "line 2 holds a line break inside its token \"b\\r\""),
        ]
        for (bytes, expected) in cases {
            #expect(Self.problem(bytes) == expected, "\(bytes)")
        }
    }

    @Test func tokensAreCheckedAsLinesWouldBe() {
        #expect(throws: ModelFileError(file: "vocab.txt", "line 2 holds a line break inside its token \"a\\nb\"")) {
            try Vocabulary(tokens: ["x", "a\nb"])
        }
        #expect(throws: ModelFileError(file: "vocab.txt", "line 2 repeats the token \"x\" of line 1; each token must appear once")) {
            try Vocabulary(tokens: ["x", "x"])
        }
        #expect(throws: ModelFileError(file: "vocab.txt", "the file holds no tokens; it should hold one token a line")) {
            try Vocabulary(tokens: [])
        }
    }
}
