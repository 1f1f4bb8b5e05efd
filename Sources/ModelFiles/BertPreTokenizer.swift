/// The second part of BERT's tokenizer: Hugging Face's `BertPreTokenizer`. Splits normalised
/// text into words at whitespace, which is dropped, and around punctuation, each punctuation
/// scalar a word of its own: "don't!" becomes `don`, `'`, `t`, `!`. Emoji are not punctuation.
enum BertPreTokenizer {
    /// The words of `scalars`, in order, none empty.
    static func words(_ scalars: [UInt32]) -> [ArraySlice<UInt32>] {
        var words: [ArraySlice<UInt32>] = []
        var start = 0                       // where the current word began
        for (i, scalar) in scalars.enumerated() {
            if isWhitespace(scalar) {
                if start < i { words.append(scalars[start ..< i]) }
                start = i + 1
            } else if isPunctuation(scalar) {
                if start < i { words.append(scalars[start ..< i]) }
                words.append(scalars[i ... i])
                start = i + 1
            }
        }
        if start < scalars.count { words.append(scalars[start...]) }
        return words
    }

    static func isWhitespace(_ scalar: UInt32) -> Bool {
        if (0x21 ..< 0x7F).contains(scalar) { return false }   // printable ASCII
        return UnicodeTables.contains(UnicodeTables.whitespace, scalar)
    }

    static func isPunctuation(_ scalar: UInt32) -> Bool {
        UnicodeTables.contains(UnicodeTables.punctuation, scalar)
    }
}
