import Foundation
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

/// `textLines` cuts a text where `split(whereSeparator: \.isNewline)` cuts it, which it replaces.
@Suite("Lines of a text")
struct TextLinesTests {
    static func characterLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }

    @Test(arguments: ["", "one", "a\nb", "a\r\nb\r\n", "\r\r\n\n", "x\ry", "\u{85}\u{2028}\u{2029}\u{0B}\u{0C}end",
                      "\n\u{301}accent after a newline", "é\r\n🙂\n", "\u{C2}\u{E2}\u{80} bytes of newlines, not newlines"])
    func cutsWhereCharactersAreNewlines(_ text: String) {
        #expect(text.textLines.map(String.init) == Self.characterLines(text))
        let sub = ("[" + text + "]").dropFirst().dropLast()
        #expect(sub.textLines.map(String.init) == Self.characterLines(String(sub)))
    }

    /// Random texts from an alphabet of every newline, pieces of their UTF-8 (U+0080, U+2020,
    /// U+20AC share first bytes with U+0085 and U+2028) and characters that combine.
    @Test func agreesOnRandomTexts() {
        let alphabet = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{80}", "\u{2020}",
                        "\u{20AC}", "\u{301}", "a", " ", "é", "🙂", "\u{200D}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            #expect(text.textLines.map(String.init) == Self.characterLines(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}
