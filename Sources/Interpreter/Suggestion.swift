/// "Did you mean ...?" for a mistyped word: the closest candidate by edit distance, when it
/// is close enough to be a plausible typo (at most a third of the word's letters wrong).
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        let lowered = word.lowercased()
        // Two words differing in length by more than the limit are at least that many edits
        // apart, so they are not measured (a long mistyped line is not compared letter by letter
        // with every command).
        let scored = candidates.map { ($0, $0.lowercased()) }
            .filter { abs($0.1.count - lowered.count) <= limit }
            .map { ($0.0, distance(lowered, $0.1)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= limit ? best.0 : nil
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit ("stpe" -> "step").
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// "did you mean 'step'?" or nothing. The other names of a stage among the candidates
    /// count too: "softmx" gets "did you mean 'softmax' (the weights)?".
    static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        let aliases = CommandParser.stageAliases.filter { candidates.contains($0.value) && !candidates.contains($0.key) }
        guard let found = closest(to: word, among: candidates + aliases.keys.sorted()) else { return nil }
        return "did you mean '\(found)'" + (aliases[found].map { " (the \($0))" } ?? "") + "?"
    }
}
