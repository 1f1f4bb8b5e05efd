/// "Did you mean ...?" for a mistyped word: the closest candidate by edit distance, when it
/// is close enough to be a plausible typo (at most a third of the word's letters wrong).
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        closest(to: word, among: candidates, letters: candidates.lazy.map(Letters.init))
    }

    /// The same, where `letters[i]` holds the letters of `candidates[i]`, read once for a
    /// list measured against many words, or lazily.
    private static func closest<AllLetters: Collection<Letters>>(to word: String, among candidates: [String], letters: AllLetters) -> String?
    where AllLetters.Index == Int {
        let limit = max(1, word.count / 3)
        let typed = Letters(word)
        var best: (candidate: String, distance: Int)?
        for (index, candidate) in candidates.enumerated() {
            // Only a candidate within the limit and nearer than the best so far can win (a tie
            // goes to the earlier one), so measuring stops once a candidate is farther than that.
            let bound = min(limit, (best?.distance ?? limit + 1) - 1)
            if bound < 0 { break }
            // Two words differing in length by more than the bound are at least that many
            // edits apart, so they are not measured at all. A word has no more letters than
            // bytes, so one with too few bytes is passed over before its letters are read.
            guard candidate.utf8.count >= typed.count - bound else { continue }
            let letters = letters[index]
            guard abs(letters.count - typed.count) <= bound else { continue }
            let edits = distance(typed, letters, bound: bound)
            if edits <= bound { best = (candidate, edits) }
        }
        return best?.candidate
    }

    /// A word's letters, lowercased, as the distance compares them: its bytes when it is ASCII
    /// without "\r" (every command's name is), each byte a letter; its characters otherwise
    /// ("\r\n" is one character).
    enum Letters {
        case bytes([UInt8])
        case characters([Character])

        init(_ word: String) {
            var bytes = Array(word.utf8)
            for i in bytes.indices {
                switch bytes[i] {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[i] += 0x20
                case 0x80..., UInt8(ascii: "\r"):
                    self = .characters(Array(word.lowercased()))
                    return
                default: break
                }
            }
            self = .bytes(bytes)
        }

        var count: Int {
            switch self {
            case let .bytes(bytes): bytes.count
            case let .characters(characters): characters.count
            }
        }

        var characters: [Character] {
            switch self {
            case let .bytes(bytes): bytes.map { Character(Unicode.Scalar($0)) }
            case let .characters(characters): characters
            }
        }
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit ("stpe" -> "step"),
    /// letter by letter and ignoring case. A distance above `bound` is not computed to the end:
    /// some number above `bound` is returned.
    static func distance(_ a: String, _ b: String, bound: Int = .max) -> Int {
        distance(Letters(a), Letters(b), bound: bound)
    }

    static func distance(_ a: Letters, _ b: Letters, bound: Int) -> Int {
        if case let .bytes(x) = a, case let .bytes(y) = b {
            // Most words are nowhere near: their letters alone say so, without the table.
            let floor = lettersApart(x, y)
            return floor > bound ? floor : distance(x, y, bound: bound)
        }
        return distance(a.characters, b.characters, bound: bound)
    }

    /// A lower bound on the distance from the letters alone, in any order: the larger of the
    /// number of letters `a` has more of than `b` and the number `b` has more of than `a`. An
    /// insertion or a deletion lowers one of the two by one, a substitution each by at most one,
    /// and a swap neither, so no fewer edits can take `a` to `b`.
    static func lettersApart(_ a: [UInt8], _ b: [UInt8]) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for letter in a { counts[Int(letter)] += 1 }
            for letter in b { counts[Int(letter)] -= 1 }
            var surplus = 0, shortfall = 0
            for letter in a where counts[Int(letter)] > 0 {
                surplus += counts[Int(letter)]
                counts[Int(letter)] = 0
            }
            for letter in b where counts[Int(letter)] < 0 {
                shortfall -= counts[Int(letter)]
                counts[Int(letter)] = 0
            }
            return max(surplus, shortfall)
        }
    }

    /// The same over any letters, keeping only the three rows of the table that the next row
    /// reads: the one above, and the one above that for transpositions.
    static func distance<Letter: Equatable>(_ a: [Letter], _ b: [Letter], bound: Int = .max) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var twoAbove = [Int](repeating: 0, count: b.count + 1)
        var above = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        var aboveLeast = 0
        for i in 1...a.count {
            row[0] = i
            var least = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], twoAbove[j - 2] + 1)
                }
                least = min(least, row[j])
            }
            // No later row, and so not the distance, is below the least of this row or one more
            // than the least of the row above (a transposition reaches back two rows).
            let floor = min(least, aboveLeast + 1)
            if floor > bound { return floor }
            (twoAbove, above, row) = (above, row, twoAbove)
            aboveLeast = least
        }
        return above[b.count]
    }

    /// Words to suggest, with the other names of any stage among them ("softmax" for
    /// "weights"), and their letters read once.
    struct Candidates {
        let names: [String]
        let letters: [Letters]
        /// The stage each other name stands for.
        let aliases: [String: String]

        init(_ names: [String]) {
            aliases = CommandParser.stageAliases.filter { names.contains($0.value) && !names.contains($0.key) }
            self.names = names + aliases.keys.sorted()
            letters = self.names.map(Letters.init)
        }
    }

    /// "did you mean 'step'?" or nothing. The other names of a stage among the candidates
    /// count too: "softmx" gets "did you mean 'softmax' (the weights)?".
    static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        didYouMean(word, among: Candidates(candidates))
    }

    static func didYouMean(_ word: String, among candidates: Candidates) -> String? {
        guard let found = closest(to: word, among: candidates.names, letters: candidates.letters) else { return nil }
        return "did you mean '\(found)'" + (candidates.aliases[found].map { " (the \($0))" } ?? "") + "?"
    }
}
