extension Unicode.Scalar {
    /// Whether this scalar is a whole character whatever stands next to it: ASCII but "\r"
    /// (which makes one character with a following "\n"), and the blocks of letters and
    /// symbols the tables and explanations use. None of these combine with a neighbour: there
    /// are no combining marks, joiners, variation selectors, Hangul jamo or regional indicators
    /// among them, and their few unassigned code points break like any other character.
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
    /// Characters that take room on screen (ANSI escape sequences left out). Where every scalar
    /// stands alone, each is one character and the UTF-8 bytes are counted, much faster than
    /// finding the characters' boundaries.
    public var visibleCount: Int {
        unicodeScalars.allSatisfy(\.standsAlone) ? visibleWidth(utf8: utf8) : visibleCharacterCount
    }

    /// The same, character by character.
    var visibleCharacterCount: Int { countOutsideEscapes(self, escape: "\u{1B}", end: "m") }
}

/// What UTF-8 `bytes` take on screen when every scalar in them stands alone: one column for
/// each byte that starts a scalar, escape sequences left out.
func visibleWidth(utf8 bytes: some Sequence<UInt8>) -> Int {
    countOutsideEscapes(bytes, escape: 0x1B, end: UInt8(ascii: "m")) { $0 & 0xC0 != 0x80 }
}

/// How many of `units` that `counts` accepts stand outside ANSI escape sequences (from ESC to
/// the next "m"), which take no room on screen.
private func countOutsideEscapes<Units: Sequence>(_ units: Units, escape: Units.Element, end: Units.Element,
                                                  counts: (Units.Element) -> Bool = { _ in true }) -> Int
where Units.Element: Equatable {
    var count = 0, inEscape = false
    for unit in units {
        if unit == escape {
            inEscape = true
        } else if inEscape {
            if unit == end { inEscape = false }
        } else if counts(unit) {
            count += 1
        }
    }
    return count
}
