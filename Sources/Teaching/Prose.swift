/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that already fit (tables, formulas) are left exactly as they
    /// are. Widths are what the terminal shows: colour escape sequences take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        if fitsByBytes(text, width: width) { return text }
        // Where every scalar stands alone, lines and words are cut between scalars, at the same
        // places as between characters and much faster.
        if text.unicodeScalars.allSatisfy(\.standsAlone) {
            return wrapLines(text[...].unicodeScalars, width: width, text: Substring.init)
        }
        return wrapLines(text[...], width: width, text: { $0 })
    }

    /// The wrapping itself, over characters or over scalars (`Slice`), with `text` turning a
    /// piece back into text.
    private static func wrapLines<Slice: Collection>(_ whole: Slice, width: Int, text: (Slice) -> Substring) -> String
    where Slice.SubSequence == Slice, Slice.Element: Equatable & ExpressibleByUnicodeScalarLiteral {
        whole.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let lineText = text(line)
            guard lineText.utf8.count > width, lineText.visibleCount > width else { return String(lineText) }
            let indentWidth = line.prefix { $0 == " " }.count
            let indent = String(repeating: " ", count: indentWidth)
            var lines: [String] = []
            var current = indent, currentWidth = indentWidth
            for piece in line.dropFirst(indentWidth).split(separator: " ", omittingEmptySubsequences: false) {
                let word = text(piece), wordWidth = word.visibleCount
                if currentWidth > indentWidth, currentWidth + 1 + wordWidth > width {
                    lines.append(current)
                    (current, currentWidth) = (indent + word, indentWidth + wordWidth)
                } else if currentWidth == indentWidth && current.count == indentWidth {
                    current += word
                    currentWidth += wordWidth
                } else {
                    current += " " + word
                    currentWidth += 1 + wordWidth
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Whether no line of `text` has more bytes than `width`, in one pass over its bytes: then
    /// no line has more visible characters either, and nothing is wrapped. Without a "\r",
    /// every "\n" byte is a line break of its own (only "\r\n" makes one character of two).
    static func fitsByBytes(_ text: String, width: Int) -> Bool {
        var lineBytes = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                lineBytes = 0
            } else {
                if byte == UInt8(ascii: "\r") { return false }
                lineBytes += 1
                if lineBytes > width { return false }
            }
        }
        return true
    }
}
