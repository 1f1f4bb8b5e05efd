extension StringProtocol {
    /// The lines of a text, split at each of the three line endings of text files: "\n",
    /// "\r\n" (a file saved on Windows) and a lone "\r". No line keeps its ending; a text ending
    /// in one has an empty last line.
    ///
    /// Splitting at the character "\n" would leave a "\r\n" file as one line, since Swift reads
    /// "\r\n" as a single character; splitting at `Character.isNewline` would also cut at the
    /// vertical tab, the form feed and U+0085, U+2028 and U+2029, which editors do not show as
    /// line breaks, so "line N" in a message would not be the editor's line N. The bytes are
    /// read, not the characters: a carriage return and a line feed are characters of their own
    /// (Unicode's grapheme rules break around them), so every cut falls between characters.
    public var textLines: [SubSequence] {
        let bytes = utf8
        var lines: [SubSequence] = []
        var start = bytes.startIndex, index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x0A || byte == 0x0D else {
                index = bytes.index(after: index)
                continue
            }
            lines.append(self[start..<index])
            index = bytes.index(after: index)
            if byte == 0x0D, index != bytes.endIndex, bytes[index] == 0x0A { index = bytes.index(after: index) }
            start = index
        }
        lines.append(self[start..<bytes.endIndex])
        return lines
    }
}
