/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that already fit (tables, formulas) are left exactly as they
    /// are. Widths are what the terminal shows: colour escape sequences take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard String(line).visibleCount > width else { return String(line) }
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
}
