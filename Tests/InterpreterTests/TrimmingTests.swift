import Foundation
import Attention
@testable import Interpreter
import Testing

/// `trimmingSpaces` gives Foundation's `trimmingCharacters(in: .whitespaces)`, which it
/// replaces, on every kind of space and on what is not one.
@Suite("Trimming spaces")
struct TrimmingTests {
    @Test(arguments: ["", " ", "\t\t", "  step  ", "\tshow weights\t", "\u{00A0}why\u{3000}", "\u{2003} a b \u{202F}",
                      "line\n", "\r\nx\r\n", " \u{0301}é ", "café\u{0301} ", "\u{200B}zero width\u{200B}", "🙂 ", " x\u{1680}",
                      "\u{85}next line\u{85}", "\u{2028}", "tab\tinside"])
    func agreesWithFoundation(_ text: String) {
        // Scalar by scalar: String's == would call a lone accent equal to a space and an accent.
        #expect(text.trimmingSpaces.unicodeScalars.elementsEqual(text.trimmingCharacters(in: .whitespaces).unicodeScalars),
                "\(text.unicodeScalars.map { $0.value })")
        let sub = ("[" + text + "]").dropFirst().dropLast()
        #expect(sub.trimmingSpaces.unicodeScalars.elementsEqual(sub.trimmingCharacters(in: .whitespaces).unicodeScalars))
    }
}

extension TrimmingTests {
    /// Every Unicode scalar, alone and inside a word: trimmed exactly when Foundation trims it.
    @Test func everyScalarAgreesWithFoundation() {
        var differ: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar)) + "a"
            if text.trimmingSpaces != text.trimmingCharacters(in: .whitespaces) { differ.append(value) }
        }
        #expect(differ.isEmpty, "\(differ.prefix(20).map { String($0, radix: 16) })")
    }
}

/// `textLines` cuts a text at "\n", "\r\n" and a lone "\r", and nowhere else.
@Suite("Lines of a text")
struct TextLinesTests {
    /// The same lines found another way: every ending made "\n" by Foundation (literally, code
    /// unit by code unit: its default search will not match a "\r" that an accent follows),
    /// then split at the character "\n" (which, once no "\r" is left, is a character of its own).
    static func expectedLines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n", options: .literal)
            .replacingOccurrences(of: "\r", with: "\n", options: .literal)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test(arguments: ["", "one", "a\nb", "a\r\nb\r\n", "\r\r\n\n", "x\ry", "end\r", "\u{85}\u{2028}\u{2029}\u{0B}\u{0C}: not line ends",
                      "\n\u{301}accent after a newline", "é\r\n🙂\n", "\r\u{301}"])
    func cutsAtTheThreeLineEndings(_ text: String) {
        #expect(text.textLines.map(String.init) == Self.expectedLines(text))
        let sub = ("[" + text + "]").dropFirst().dropLast()
        #expect(sub.textLines.map(String.init) == Self.expectedLines(String(sub)))
    }

    @Test func knownLines() {
        #expect("a\r\nb\rc\n\nd\u{2028}e\r".textLines == ["a", "b", "c", "", "d\u{2028}e", ""])
    }

    /// Random texts from an alphabet of line endings, other newline characters and characters
    /// that combine.
    @Test func agreesOnRandomTexts() {
        let alphabet = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{80}", "\u{2020}",
                        "\u{20AC}", "\u{301}", "a", " ", "é", "🙂", "\u{200D}"]
        var generator = SeededRandom(seed: 12)
        for _ in 0..<2000 {
            let text = (0..<Int(generator.next() % 13)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            #expect(text.textLines.map(String.init) == Self.expectedLines(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}
