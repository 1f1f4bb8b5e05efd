import Foundation
import Testing
@testable import ModelFiles

/// Foundation's JSONDecoder, as the independent reader `JSONParser` is compared with: the
/// first kind of value that decodes, in the order JSONValue's kinds are declared.
private struct FoundationJSON: Decodable {
    let value: JSONValue

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? container.decode(Int.self) {
            value = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let array = try? container.decode([FoundationJSON].self) {
            value = .array(array.map(\.value))
        } else {
            value = .object(try container.decode([String: FoundationJSON].self).mapValues(\.value))
        }
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(FoundationJSON.self, from: Data(bytes)).value
    }
}

private let fuzzCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fuzz/corpus")

/// How deep the brackets of `bytes` go, strings aside. Foundation is not asked about texts
/// nested past the limit: its decoder traps on 513 opening brackets (found by this test on
/// the config corpus; the parser refuses them with a message, see below).
private func nesting(_ bytes: [UInt8]) -> Int {
    var depth = 0, deepest = 0, inString = false, escaped = false
    for byte in bytes {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
        } else if byte == UInt8(ascii: "\"") {
            inString = true
        } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
            depth += 1
            deepest = max(deepest, depth)
        } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
            depth -= 1
        }
    }
    return deepest
}

/// Every JSON text the fuzz corpora hold: whole config.json and .json array files, and the
/// headers of the safetensors files whose length field fits.
private func corpusTexts() throws -> [(String, [UInt8])] {
    var texts: [(String, [UInt8])] = []
    for target in ["config", "json", "safetensors"] {
        let folder = fuzzCorpus.appendingPathComponent(target)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            var bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            if target == "safetensors" {
                guard bytes.count >= 8 else { continue }
                let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                guard length <= UInt64(bytes.count - 8) else { continue }
                bytes = Array(bytes[8..<(8 + Int(length))])
            }
            texts.append(("\(target)/\(name)", bytes))
        }
    }
    return texts
}

@Suite("JSON parser")
struct JSONParserTests {
    /// Where Foundation's decoder reads a text, the parser reads the same values, except where
    /// Foundation is lenient: a comma after the last element, bytes after the value (it stops
    /// at a NUL), and a repeated key (it keeps the first). Where Foundation refuses a text, so
    /// does the parser.
    @Test func agreesWithFoundationOnTheFuzzCorpora() throws {
        let texts = try corpusTexts()
        #expect(texts.count > 500)
        var lenient = 0
        for (name, bytes) in texts where nesting(bytes) <= JSONParser.maximumDepth {
            let theirs = FoundationJSON.parse(bytes)
            do {
                let ours = try JSONParser.parse(bytes)
                #expect(ours == theirs, "\(name)")
            } catch {
                guard theirs != nil else { continue }
                let known = ["JSON allows no comma after the last element", "where the text should end", "appears twice in one object"]
                #expect(known.contains { error.problem.contains($0) }, "\(name): \(error.problem)")
                lenient += 1
            }
        }
        #expect(lenient < texts.count / 10)
    }
}

extension JSONParserTests {
    @Test func readsEveryKindOfValue() throws {
        let text = #"{"a": [1, -0, 2.5, 384.0, 1e2, 1e-12, 99999999999999999999, true, false, null, "x"], "b": {}, "c": []}"#
        #expect(try JSONParser.parse(Array(text.utf8)) == .object([
            "a": .array([.integer(1), .integer(0), .number(2.5), .integer(384), .integer(100), .number(1e-12), .number(1e20),
                         .bool(true), .bool(false), .null, .string("x")]),
            "b": .object([:]), "c": .array([]),
        ]))
        let escapes = #""\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \u00E9""#
        #expect(try JSONParser.parse(Array(escapes.utf8)) == .string("\" \\ / \u{8} \u{C} \n \r \t é 😀 é"))
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array(" {} ".utf8)) == .object([:]), "a byte order mark is skipped")
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONParser.parse(Array(deepest.utf8)) != .null)
    }

    /// Each mistake is named, with its line and column (in characters).
    @Test(arguments: [
        ("", "line 1, column 1: expected a value, found the end of the text"),
        ("  \n ", "line 2, column 2: expected a value, found the end of the text"),
        ("{\n  \"a\": 1,\n}", "line 2, column 9: a ',' right before '}': JSON allows no comma after the last element"),
        ("[1, 2,]", "line 1, column 6: a ',' right before ']'"),
        ("[1, 2", "line 1, column 6: expected ',' or ']' after a value in an array, found the end of the text"),
        (#"{"a" 1}"#, "line 1, column 6: expected ':' after the key \"a\", found '1'"),
        (#"{"a": 1 "b": 2}"#, "line 1, column 9: expected ',' or '}' after a value in an object, found '\"'"),
        (#"{"é": x}"#, "line 1, column 7: expected a value"),
        (#"{"a": 1, "a": 2}"#, "line 1, column 10: the key \"a\" appears twice in one object"),
        // A key's control characters are escaped: a message must not recolour the terminal.
        (#"{"a\u001b[31m": 1, "a\u001b[31m": 2}"#, #"line 1, column 20: the key "a\u{1B}[31m" appears twice"#),
        ("{} {}", "line 1, column 4: '{' after the value, where the text should end"),
        ("tru", "line 1, column 1: expected the word true"),
        ("[01]", "line 1, column 3: expected ',' or ']' after a value in an array, found '1'"),
        ("1.", "line 1, column 3: expected a digit after the decimal point"),
        (".5", "line 1, column 1: expected a value"),
        ("-x", "line 1, column 2: expected a digit after '-'"),
        ("1e+", "line 1, column 4: expected a digit in the exponent"),
        ("+1", "line 1, column 1: expected a value"),
        ("1e400", "line 1, column 1: the number 1e400 is too large for a double"),
        ("\"abc", "line 1, column 1: this string is not closed"),
        ("\"a\tb\"", "line 1, column 3: a control character (byte 9) inside a string"),
        (#""\x""#, "line 1, column 2: a backslash followed by 'x' is not an escape JSON knows"),
        (#""\u12""#, "line 1, column 2: \\u must be followed by four hex digits"),
        (#""\ud800""#, "line 1, column 2: \\uD800 is the first half of a surrogate pair without its second half"),
        (#""\ud800\u0041""#, "line 1, column 2: \\uD800 is the first half of a surrogate pair, but \\u0041 is not a second half"),
        (#""\udc00""#, "line 1, column 2: \\uDC00 is the second half of a surrogate pair without its first half"),
        (String(repeating: "[", count: 513), "line 1, column 513: objects and arrays nested more than 512 deep"),
    ])
    func mistakesAreNamedWithTheirPlace(_ text: String, _ message: String) {
        do {
            _ = try JSONValue.parse(Array(text.utf8), file: "config.json", what: "the file")
            Issue.record("\(text.debugDescription) parsed")
        } catch {
            #expect("\(error)".hasPrefix("config.json: the file is not valid JSON: " + message), "\(error)")
        }
    }

    @Test func aByteOrderMarkTakesNoRoom() {
        do {
            _ = try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1,]".utf8), file: "h", what: "the header")
            Issue.record("parsed")
        } catch {
            #expect("\(error)".hasPrefix("h: the header is not valid JSON: line 1, column 3: "), "\(error)")
        }
    }

    @Test func bytesThatAreNotUTF8AreNamed() {
        for (bytes, message): ([UInt8], String) in [([0x22, 0xFF, 0x22], "line 1, column 1: this string holds bytes that are not UTF-8"),
                                                   ([0x5B, 0xFF, 0x5D], "line 1, column 2: expected a value (an object, array, string, number, true, false or null), found byte 0xFF")] {
            do {
                _ = try JSONValue.parse(bytes, file: "h", what: "the header")
                Issue.record("\(bytes) parsed")
            } catch {
                #expect("\(error)" == "h: the header is not valid JSON: " + message)
            }
        }
    }
}
