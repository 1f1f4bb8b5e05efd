extension Unicode.Scalar {
    /// Whether this scalar is a whole character whatever stands next to it: ASCII but "\r"
    /// (which makes one character with a following "\n"), and the blocks of letters and
    /// symbols the tables and explanations use. None of these combine with a neighbour: there
    /// are no combining marks, joiners, variation selectors, Hangul jamo or regional indicators
    /// among them.
    var standsAlone: Bool {
        switch value {
        case 0x00...0x7F: return value != 0x0D
        case 0xA0...0x24F,                      // Latin-1 letters and signs (× ·), Latin Extended-A and -B
             0x370...0x3FF,                     // Greek
             0x2010...0x2027, 0x2030...0x205E,  // dashes, quotes, … ‰ (not the zero-width spaces and joiners)
             0x2070...0x209F,                   // superscripts and subscripts
             0x2190...0x23FF,                   // arrows, mathematical operators (√ ≈ ≤), technical signs
             0x2500...0x25FF:                   // box drawing, the heatmaps' shaded blocks, geometric shapes
            return true
        default:
            return false
        }
    }
}

extension StringProtocol {
    /// Characters that take room on screen (ANSI escape sequences left out). Counted scalar by
    /// scalar while every scalar stands alone (then each is one character), which is much
    /// faster than finding the characters' boundaries; character by character otherwise.
    public var visibleCount: Int {
        var count = 0, inEscape = false
        for scalar in unicodeScalars {
            guard scalar.standsAlone else { return visibleCharacterCount }
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar == "m" { inEscape = false }
            } else {
                count += 1
            }
        }
        return count
    }

    private var visibleCharacterCount: Int {
        var count = 0, inEscape = false
        for character in self {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }
}
