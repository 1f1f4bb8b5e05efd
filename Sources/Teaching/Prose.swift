/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that already fit (tables, formulas) are left exactly as they
    /// are. Widths are what the terminal shows: colour escape sequences take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        if fitsByBytes(text, width: width) { return text }
        // "\r\n" is one character, and no line break; every other "\n" is a character and a
        // line break of its own, so without a "\r" the lines are cut at the "\n" bytes and only
        // those with more bytes than the width (the only ones that may not fit) are looked at.
        if text.utf8.contains(UInt8(ascii: "\r")) { return wrapByCharacters(text, width: width) }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 8)
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = bytes[start..<end]
            if line.count <= width {
                result += line
            } else {
                result += wrapUTF8Line(line, width: width).utf8
            }
            if end < bytes.count { result.append(UInt8(ascii: "\n")) }
            start = end + 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// One line of no "\n", as its bytes. Where every scalar stands alone, each is a
    /// character, and " " a single byte that no other scalar's UTF-8 contains: words are cut,
    /// and counted, in the bytes, at the same places as in the characters and much faster.
    private static func wrapUTF8Line(_ line: ArraySlice<UInt8>, width: Int) -> String {
        let text = String(decoding: line, as: UTF8.self)
        guard text.unicodeScalars.allSatisfy(\.standsAlone) else { return wrapCharacterLine(text[...], width: width) }
        return wrapLine(line, width: width, space: UInt8(ascii: " "), visibleWidth: { visibleWidth(utf8: $0) },
                        text: { String(decoding: $0, as: UTF8.self) })
    }

    private static func wrapCharacterLine(_ line: Substring, width: Int) -> String {
        wrapLine(line, width: width, space: " ", visibleWidth: { $0.visibleCharacterCount }, text: String.init)
    }

    /// The wrapping character by character, which works on any text.
    static func wrapByCharacters(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { wrapCharacterLine($0, width: width) }.joined(separator: "\n")
    }

    /// The wrapping of one line, over bytes or over characters (`Slice`): `visibleWidth`
    /// measures a piece on screen, `text` turns it back into text.
    private static func wrapLine<Slice: Collection>(_ line: Slice, width: Int, space: Slice.Element,
                                                    visibleWidth: (Slice) -> Int, text: (Slice) -> String) -> String
    where Slice.SubSequence == Slice, Slice.Element: Equatable {
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
