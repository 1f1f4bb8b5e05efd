extension StringProtocol {
    /// The lines of a text, split where a `Character` is a newline: at "\n", "\r\n" (one
    /// newline, as a file saved on Windows ends its lines), a lone "\r", and the rarer vertical
    /// tab, form feed, U+0085, U+2028 and U+2029. The same lines as
    /// `split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)`, found by reading
    /// the UTF-8 bytes instead of forming every character (a test compares the two). Each of
    /// those newlines is a character on its own (Unicode's grapheme rules break around every
    /// control character), so the cuts fall between characters.
    ///
    /// Splitting at the character "\n" instead would leave a "\r\n" file as one line.
    public var textLines: [SubSequence] {
        let bytes = utf8
        var lines: [SubSequence] = []
        var start = bytes.startIndex, index = bytes.startIndex
        /// The byte after `position`, if there is one and it is `value`.
        func following(_ position: String.Index, is value: UInt8) -> String.Index? {
            let next = bytes.index(after: position)
            return next != bytes.endIndex && bytes[next] == value ? next : nil
        }
        while index != bytes.endIndex {
            // The last byte of the newline that starts at `index`, if one does.
            let last: String.Index? = switch bytes[index] {
            case 0x0A, 0x0B, 0x0C: index
            case 0x0D: following(index, is: 0x0A) ?? index
            case 0xC2: following(index, is: 0x85)                         // U+0085
            case 0xE2: following(index, is: 0x80).flatMap { following($0, is: 0xA8) ?? following($0, is: 0xA9) }   // U+2028, U+2029
            default: nil
            }
            if let last {
                lines.append(self[start..<index])
                start = bytes.index(after: last)
                index = start
            } else {
                index = bytes.index(after: index)
            }
        }
        lines.append(self[start..<bytes.endIndex])
        return lines
    }
}
