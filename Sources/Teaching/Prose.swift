/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that already fit (tables, formulas) are left exactly as they
    /// are. Widths are what the terminal shows: colour escape sequences take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        if fitsByBytes(text, width: width) { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.utf8.count > width, String(line).visibleCount > width else { return String(line) }
            let indent = String(line.prefix { $0 == " " })
            var lines: [String] = []
            var current = indent, currentWidth = indent.count
            for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false) {
                let wordWidth = String(word).visibleCount
                if currentWidth > indent.count, currentWidth + 1 + wordWidth > width {
                    lines.append(current)
                    (current, currentWidth) = (indent + word, indent.count + wordWidth)
                } else if currentWidth == indent.count && current.count == indent.count {
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
