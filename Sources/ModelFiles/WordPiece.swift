/// The third part of BERT's tokenizer: Hugging Face's `WordPiece` model. Splits one word into
/// vocabulary tokens, greedily, longest match first: the longest prefix of the word that is a
/// token, then the longest prefix of the rest that is a token once "##" is put before it, and so
/// on. "unaffable" becomes `un`, `##aff`, `##able`. A word with a part no token matches, or of
/// more than 100 scalars, becomes the single token [UNK].
struct WordPiece: Sendable {
    let vocabulary: Vocabulary
    /// The id of [UNK].
    let unknown: Int

    /// HF's `max_input_chars_per_word`, counted in scalars (Rust `char`s).
    static let maximumScalarsPerWord = 100
    /// What marks a token continuing a word.
    static let continuation: [UInt8] = Array("##".utf8)

    /// Appends the ids of the pieces of `word` (normalised scalars, not empty) to `ids`.
    func appendPieces(of word: ArraySlice<UInt32>, to ids: inout [Int]) {
        guard word.count <= Self.maximumScalarsPerWord else {
            ids.append(unknown)
            return
        }
        // The word's UTF-8 bytes, and where each scalar starts in them (plus the end).
        var bytes: [UInt8] = []
        var boundaries: [Int] = []
        for value in word {
            boundaries.append(bytes.count)
            if let scalar = Unicode.Scalar(value) {     // always: the values come from a String
                UTF8.encode(scalar) { bytes.append($0) }
            }
        }
        boundaries.append(bytes.count)

        var pieces: [Int] = []
        var start = 0                       // the first scalar not yet matched
        while start < word.count {
            var end = word.count            // try start ..< end, shortening by one scalar
            var found: Int?
            while start < end {
                let part = bytes[boundaries[start] ..< boundaries[end]]
                let candidate = start == 0 ? Array(part) : Self.continuation + part
                if let id = vocabulary.id(utf8: candidate) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unknown)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
