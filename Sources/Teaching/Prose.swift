/// Word-wrapping for explanations, so sentences break between words at the terminal's
/// width instead of in the middle of one.
public enum Prose {
    /// Wraps every line of `text` longer than `width` at spaces; continuation lines keep the
    /// line's indentation. Lines that are already short (tables, formulas) are left exactly as
    /// they are. Escape sequences count as characters, so coloured text wraps a little early,
    /// never late.
    public static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > width else { return String(line) }
            let indent = String(line.prefix { $0 == " " })
            var lines: [String] = []
            var current = indent
            for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false) {
                if current.count > indent.count, current.count + 1 + word.count > width {
                    lines.append(current)
                    current = indent + word
                } else {
                    current += current.count == indent.count ? String(word) : " " + word
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
