extension StringProtocol {
    /// The text without the spaces and tabs at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` gives (Unicode's space separators, the tab and
    /// the zero-width space U+200B; a test compares every scalar), in Swift alone. Foundation's
    /// goes through NSString, and lesson files and command lines are trimmed line by line: it
    /// was over a quarter of the time of reading a lesson. The result is cut from the scalars,
    /// not the characters, as Foundation cuts it: " \u{301}x" keeps its combining accent.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedSpace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isTrimmedSpace })!
        // A view of the same storage, cut and copied once (building a new view scalar by scalar
        // was most of the time this took).
        return String(Substring(Substring(self).unicodeScalars[first...last]))
    }
}

extension Unicode.Scalar {
    /// What `trimmingSpaces` trims: a space separator, the tab or the zero-width space.
    var isTrimmedSpace: Bool {
        self == "\t" || self == "\u{200B}" || properties.generalCategory == .spaceSeparator
    }
}
