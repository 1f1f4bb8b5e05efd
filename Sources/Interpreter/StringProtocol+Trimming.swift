extension StringProtocol {
    /// The text without the spaces and tabs at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` gives (Unicode's space separators, the tab and
    /// the zero-width space U+200B; a test compares every scalar), in Swift alone. Foundation's goes through NSString, and lesson files and command
    /// lines are trimmed line by line: it was over a quarter of the time of reading a lesson.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedSpace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isTrimmedSpace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension Unicode.Scalar {
    /// What `trimmingSpaces` trims: a space separator, the tab or the zero-width space.
    var isTrimmedSpace: Bool {
        self == "\t" || self == "\u{200B}" || properties.generalCategory == .spaceSeparator
    }
}
