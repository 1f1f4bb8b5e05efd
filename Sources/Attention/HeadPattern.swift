/// The patterns a head's attention can show on one sentence, and how much of its weight each
/// gets: the text version of bertviz's model view, with the patterns Clark et al. (2019, "What
/// does BERT look at?") found in BERT's heads.
///
/// A share is the mean over queries of the weight the pattern receives (each query's weights
/// sum to 1):
/// - `previous`: the key just before the query (queries 1 ..< n);
/// - `next`: the key just after it (queries 0 ..< n-1);
/// - `itself`: the query's own position;
/// - `classifier` and `separator`: every [CLS] or [SEP] key together;
/// - `punctuation`: every key that is punctuation.
/// The patterns overlap where positions coincide (query 1's previous key is [CLS]). A head is
/// `broad` on a sentence when no pattern gets `broadBelow` of its weight.
public enum HeadPattern: String, CaseIterable, Equatable, Sendable {
    case previous, next, itself = "self", classifier = "cls", separator = "sep", punctuation, broad

    /// What a key is, as far as the patterns care.
    public enum Key: Equatable, Hashable, Sendable {
        case classifier, separator, punctuation, word

        /// A wordpiece's kind: `[CLS]`, `[SEP]`, punctuation (every character a punctuation
        /// mark, or an ASCII symbol such as `$` or `+`, as BERT's tokenizer splits them), or a word.
        public init(wordpiece: String) {
            switch wordpiece {
            case "[CLS]": self = .classifier
            case "[SEP]": self = .separator
            default:
                let marks = !wordpiece.isEmpty && wordpiece.unicodeScalars.allSatisfy { scalar in
                    switch scalar.properties.generalCategory {
                    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                         .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
                    default: return scalar.isASCII && !scalar.properties.isAlphabetic && !("0"..."9").contains(scalar)
                        && !scalar.properties.isWhitespace
                    }
                }
                self = marks ? .punctuation : .word
            }
        }
    }

    /// The pattern a learner names, as typed: case and brackets do not matter ("[CLS]" is
    /// `cls`), and "itself" is `self`.
    public init?(named name: String) {
        let spelled = String(name.lowercased().filter { $0 != "[" && $0 != "]" })
        self.init(rawValue: spelled == "itself" ? "self" : spelled)
    }

    /// A head whose strongest pattern gets less than this is called broad.
    public static let broadBelow = 0.4

    /// The patterns a share is measured for (all but `broad`).
    public static let measured: [HeadPattern] = allCases.filter { $0 != .broad }

    /// Each measured pattern's share of `weights` (n x n, rows summing to 1; rows of NaN, a
    /// query that sees no key, are left out). `keys` says what each position is.
    public static func shares(_ weights: Matrix, keys: [Key]) -> [HeadPattern: Double] {
        let n = weights.rows
        precondition(weights.cols == n && keys.count == n, "a head's weights are n x n, with one key kind per position")
        var sums = [HeadPattern: Double](), counts = [HeadPattern: Int]()
        func add(_ pattern: HeadPattern, _ value: Double) {
            sums[pattern, default: 0] += value
            counts[pattern, default: 0] += 1
        }
        for i in 0..<n where weights[i, 0].isFinite {
            if i > 0 { add(.previous, weights[i, i - 1]) }
            if i < n - 1 { add(.next, weights[i, i + 1]) }
            add(.itself, weights[i, i])
            var kinds: [Key: Double] = [:]
            for j in 0..<n { kinds[keys[j], default: 0] += weights[i, j] }
            add(.classifier, kinds[.classifier] ?? 0)
            add(.separator, kinds[.separator] ?? 0)
            add(.punctuation, kinds[.punctuation] ?? 0)
        }
        return Dictionary(uniqueKeysWithValues: measured.map { pattern in
            (pattern, counts[pattern].map { sums[pattern]! / Double($0) } ?? 0)
        })
    }

    /// The pattern with the largest share and that share, or `broad` with the largest share
    /// when it is below `broadBelow`. Ties go to the pattern listed first.
    public static func dominant(_ shares: [HeadPattern: Double]) -> (pattern: HeadPattern, share: Double) {
        var best = (pattern: HeadPattern.broad, share: -1.0)
        for pattern in measured where (shares[pattern] ?? 0) > best.share { best = (pattern, shares[pattern] ?? 0) }
        return best.share < broadBelow ? (.broad, max(0, best.share)) : best
    }
}
