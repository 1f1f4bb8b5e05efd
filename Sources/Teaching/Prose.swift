/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that already fit (tables, formulas) are left exactly as they
    /// are. Widths are what the terminal shows: colour escape sequences take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        if fitsByBytes(text, width: width) { return text }
        // Where every scalar stands alone, each is a character, and "\n" and " " are single
        // bytes that no other scalar's UTF-8 contains: lines and words are cut, and counted, in
        // the bytes, at the same places as in the characters and much faster.
        if text.unicodeScalars.allSatisfy(\.standsAlone) {
            return wrapLines(Array(text.utf8)[...], width: width, newline: UInt8(ascii: "\n"), space: UInt8(ascii: " "),
                             visibleWidth: { visibleWidth(utf8: $0) }, text: { String(decoding: $0, as: UTF8.self) })
        }
        return wrapByCharacters(text, width: width)
    }

    /// The wrapping character by character, which works on any text.
    static func wrapByCharacters(_ text: String, width: Int) -> String {
        wrapLines(text[...], width: max(width, 20), newline: "\n", space: " ", visibleWidth: { $0.visibleCharacterCount }, text: String.init)
    }

    /// The wrapping itself, over bytes or over characters (`Slice`): `visibleWidth` measures a
    /// piece on screen, `text` turns it back into text.
    private static func wrapLines<Slice: Collection>(_ whole: Slice, width: Int, newline: Slice.Element, space: Slice.Element,
                                                     visibleWidth: (Slice) -> Int, text: (Slice) -> String) -> String
    where Slice.SubSequence == Slice, Slice.Element: Equatable {
        whole.split(separator: newline, omittingEmptySubsequences: false).map { line -> String in
            guard visibleWidth(line) > width else { return text(line) }
            let indentWidth = line.prefix { $0 == space }.count
            let indent = String(repeating: " ", count: indentWidth)
            var lines: [String] = []
            var current = indent, currentWidth = indentWidth
            for piece in line.dropFirst(indentWidth).split(separator: space, omittingEmptySubsequences: false) {
                let word = text(piece), wordWidth = visibleWidth(piece)
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
