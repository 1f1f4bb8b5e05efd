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
        #expect(text.trimmingSpaces == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { $0.value })")
        let sub = ("[" + text + "]").dropFirst().dropLast()
        #expect(sub.trimmingSpaces == sub.trimmingCharacters(in: .whitespaces))
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
