/// Looking scalars up in the generated tables (UnicodeTables.swift). Scalars are `UInt32`
/// values here, as in the tables.
extension UnicodeTables {
    /// Whether `scalar` lies in one of the ranges of `table` (flat, sorted lo, hi pairs), by
    /// binary search.
    static func contains(_ table: [UInt32], _ scalar: UInt32) -> Bool {
        var low = 0
        var high = table.count / 2          // the ranges low ..< high may hold scalar
        while low < high {
            let middle = (low + high) / 2
            if scalar < table[2 * middle] {
                high = middle
            } else if scalar > table[2 * middle + 1] {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// The canonical combining class NFD orders marks by; 0 for a starter.
    static func combiningClass(_ scalar: UInt32) -> UInt32 {
        if scalar < 0x300 { return 0 }
        let table = combiningClasses
        var low = 0
        var high = table.count / 3          // runs of lo, hi, class
        while low < high {
            let middle = (low + high) / 2
            if scalar < table[3 * middle] {
                high = middle
            } else if scalar > table[3 * middle + 1] {
                low = middle + 1
            } else {
                return table[3 * middle + 2]
            }
        }
        return 0
    }

    /// Where each entry's scalars lie in a flat `scalar, count, scalars...` table.
    private static func index(_ table: [UInt32]) -> [UInt32: Range<Int>] {
        var index: [UInt32: Range<Int>] = [:]
        var position = 0
        while position < table.count {
            let count = Int(table[position + 1])
            index[table[position]] = position + 2 ..< position + 2 + count
            position += 2 + count
        }
        return index
    }

    private static let decompositionIndex = index(decompositions)
    private static let lowercaseExpansionIndex = index(lowercaseExpansions)

    /// Appends the full canonical decomposition of `scalar` (itself if it has none), not yet in
    /// canonical order. Hangul syllables follow Unicode's formula: S = 0xAC00 + (L * 21 + V) * 28 + T.
    static func appendDecomposition(of scalar: UInt32, to output: inout [UInt32]) {
        if scalar < 0xC0 {
            output.append(scalar)
        } else if (0xAC00 ... 0xD7A3).contains(scalar) {
            let index = scalar - 0xAC00
            output.append(0x1100 + index / 588)             // leading consonant L
            output.append(0x1161 + (index % 588) / 28)      // vowel V
            if index % 28 != 0 { output.append(0x11A7 + index % 28) }  // trailing consonant T
        } else if let range = decompositionIndex[scalar] {
            output.append(contentsOf: decompositions[range])
        } else {
            output.append(scalar)
        }
    }

    /// Appends the lowercase of `scalar` taken on its own (Rust's `char::to_lowercase`): no
    /// context, so a final capital sigma becomes σ, never ς.
    static func appendLowercase(of scalar: UInt32, to output: inout [UInt32]) {
        if scalar < 0x80 {
            output.append((0x41 ... 0x5A).contains(scalar) ? scalar + 0x20 : scalar)
            return
        }
        if let range = lowercaseExpansionIndex[scalar] {
            output.append(contentsOf: lowercaseExpansions[range])
            return
        }
        // The last run starting at or before scalar: runs are sorted and do not overlap.
        let runs = lowercaseRuns
        let value = Int32(bitPattern: scalar)
        var low = 0
        var high = runs.count / 4
        while low < high {
            let middle = (low + high) / 2
            if runs[4 * middle] <= value { low = middle + 1 } else { high = middle }
        }
        if low > 0 {
            let run = 4 * (low - 1)
            let (start, end, stride, delta) = (runs[run], runs[run + 1], runs[run + 2], runs[run + 3])
            if value <= end && (value - start) % stride == 0 {
                output.append(UInt32(bitPattern: value + delta))
                return
            }
        }
        output.append(scalar)
    }
}
